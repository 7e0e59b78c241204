#include "cli.hpp"

#include "commands/command_support.hpp"
#include "exit_codes.hpp"
#include "json_input.hpp"
#include "json_text.hpp"
#include "plugin_catalog.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <ostream>

namespace actionhost::core {

int run_cli(int argc, const char* const* argv, streams io, signal_watcher* signals) {
    CLI::App app{"actionhost: runs actions of plugins loaded through the actionhost C ABI.",
                 "actionhost"};
    app.require_subcommand(1);
    app.footer(
        "Plugins are found through --plugin-path DIR[:DIR...], then ACTIONHOST_PLUGIN_PATH, then\n"
        "the plugin folder installed next to this program; each *.json manifest in a folder is a\n"
        "plugin (the first one of a name wins).\n\n"
        "run prints exactly one JSON result on stdout (also on failure: {\"ok\":false,\"error\":\n"
        "{\"type\",\"message\",\"retryable\"}}); messages and plugin log events go to stderr.\n"
        "--timeout, SIGINT, SIGTERM and SIGHUP cancel the running action and wait for it: its\n"
        "result is still printed; a second signal exits at once. --batch exits with the worst\n"
        "outcome.\n"
        "Params and config documents are limited to " +
        std::to_string(max_input_bytes) + " bytes (1 MiB) and must be JSON objects.\n\n" +
        exit_code_help());

    std::vector<std::string> plugin_paths;
    app.add_option("--plugin-path", plugin_paths,
                   "Plugin folders to search first, DIR[:DIR...] (repeatable)")
        ->type_name("DIRS")
        ->allow_extra_args(false);  // one value per occurrence: a command name is never a DIR

    auto* list = app.add_subcommand("list", "List plugins and actions (from manifests alone)");
    bool list_json = false;
    list->add_flag("--json", list_json, "JSON output");

    auto* describe = app.add_subcommand(
        "describe", "Describe a plugin or an action: parameters, defaults, result fields");
    std::string describe_target;
    bool describe_json = false;
    describe->add_option("target", describe_target, "PLUGIN or PLUGIN.ACTION")->required();
    describe->add_flag("--json", describe_json, "JSON output");

    auto* run = app.add_subcommand("run", "Run one action and print its JSON result");
    run_options options;
    options.signals = signals;
    std::string params;
    double timeout = 0;
    std::string log_format_name = "json";
    run->add_option("target", options.target, "PLUGIN.ACTION")->required();
    auto* params_option =
        run->add_option("--params", params,
                        "Parameters: a JSON object inline, a FILE, or - for stdin (default {})");
    run->add_option("--config", options.config_file, "Instance config: a JSON file (default {})")
        ->type_name("FILE");
    auto* timeout_option = run->add_option("--timeout", timeout,
                                           "Cancel after SECONDS, wait for the plugin, print its "
                                           "result, exit 7 (with --batch: per line)");
    timeout_option->type_name("SECONDS");
    run->add_flag("--pretty", options.pretty, "Indent the result JSON");
    run->add_option("--log-format", log_format_name, "Plugin log events on stderr: json or text")
        ->check(CLI::IsMember({"json", "text"}));
    run->add_option("--batch", options.batch_file,
                    "Run once per line of FILE.jsonl (one params object per line); one result "
                    "line each, in input order")
        ->type_name("FILE");
    auto* parallel = run->add_option("--parallel", options.parallel,
                                     "Batch only: N instances running at once (default 1)");
    parallel->check(CLI::Range(1u, 1024u));

    auto* check = app.add_subcommand(
        "check", "Load plugins and report ABI version, exported symbols, manifest agreement");
    std::string check_plugin;
    bool check_json = false;
    auto* check_target = check->add_option("plugin", check_plugin, "Only this plugin");
    check->add_flag("--json", check_json, "JSON output");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        io.out << app.help();  // the help of the subcommand given, if any
        return exit_code::ok;
    } catch (const CLI::CallForAllHelp&) {
        io.out << app.help("", CLI::AppFormatMode::All);
        return exit_code::ok;
    } catch (const CLI::ParseError& e) {
        std::string message = e.what();
        // CLI11 only says "A subcommand is required" for a misspelt command: name it.
        if (app.get_subcommands().empty()) {
            for (int i = 1; i < argc; ++i) {
                const std::string arg = argv[i];
                if (arg.rfind('-', 0) == 0 || std::string(argv[i - 1]) == "--plugin-path") {
                    continue;
                }
                message = "unknown command \"" + arg + "\" (commands: list, describe, run, check)";
                break;
            }
        }
        return report_failure(host_error(error_type::usage, message + " (see actionhost --help)"),
                              io);
    }
    if (!params_option->empty())
        options.params = params;
    if (!timeout_option->empty())
        options.timeout_seconds = timeout;
    options.logs = log_format_name == "text" ? log_format::text : log_format::json;
    if (!parallel->empty() && options.batch_file.empty()) {
        return report_failure(host_error(error_type::usage, "--parallel needs --batch"), io);
    }

    const auto catalog = plugin_catalog::scan(plugin_search_path(
        plugin_paths, std::getenv("ACTIONHOST_PLUGIN_PATH"), default_plugin_dir()));
    if (*list)
        return list_command(catalog, list_json, io);
    if (*describe)
        return describe_command(catalog, describe_target, describe_json, io);
    if (*run)
        return run_command(catalog, options, io);
    return check_command(
        catalog, check_target->empty() ? std::nullopt : std::optional<std::string>(check_plugin),
        check_json, io);
}

}  // namespace actionhost::core
