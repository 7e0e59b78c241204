// actionhost run PLUGIN.ACTION: one invocation (or, with --batch, one per line: batch.cpp),
// its result on stdout, messages and the plugin's log events on stderr, the exit code by the
// plugin's declared error classes.
#include "batch.hpp"
#include "command_support.hpp"
#include "commands.hpp"
#include "invocation.hpp"
#include "json_input.hpp"
#include "json_text.hpp"
#include "plugin_instance.hpp"
#include "plugin_library.hpp"

#include <ostream>
#include <sstream>

namespace actionhost::core {
namespace {

void check_options(const run_options& options) {
    if (options.timeout_seconds && !(*options.timeout_seconds > 0))
        throw host_error(error_type::usage, "--timeout must be a positive number of seconds");
    if (!options.batch_file.empty() && options.params)
        throw host_error(error_type::usage, "--batch and --params cannot be used together");
    if (!options.batch_file.empty() && options.pretty) {
        throw host_error(error_type::usage,
                         "--batch and --pretty cannot be used together (one result per line)");
    }
}

// What the result alone does not say, for the person reading stderr.
void explain(const invocation_result& r, const run_options& options, std::ostream& err) {
    const std::string exit = " (exit " + std::to_string(r.exit_code) + ")";
    if (r.reason == cancel_reason::timeout) {
        std::ostringstream seconds;
        seconds << *options.timeout_seconds;
        say(err, options.target + " timed out after " + seconds.str() + " s; cancelled" + exit);
    } else if (r.reason != cancel_reason::none) {
        say(err, options.target + " cancelled by " + cancel_reason_name(r.reason) + exit);
    }
    if (r.outcome.status != AH_OK) {
        say(err, options.target + " failed with " + status_name(r.outcome.status) + exit + ": " +
                     r.outcome.last_error);
    }
}

}  // namespace

int run_command(const plugin_catalog& catalog, const run_options& options, streams io) {
    try {
        const auto [plugin, action] = split_target(options.target);
        const manifest& m = catalog.require(plugin);
        require_action(m, action);
        check_options(options);
        // Until the action starts, a signal ends the run at once, with a result saying so.
        std::optional<signal_watcher::route> before_start;
        if (options.signals != nullptr) {
            const auto leave = [](int signo) {
                exit_for_signal(signo, std::string("interrupted by ") + signal_name(signo) +
                                           " before the action started; nothing was done");
            };
            before_start.emplace(options.signals->route_to(leave, leave));
        }
        const json_input config = read_config(options.config_file);
        std::optional<json_input> params;
        if (options.batch_file.empty()) {
            params = options.params
                         ? read_params(*options.params, io.in)
                         : parse_input("{}", "default params", error_type::invalid_parameter);
        }
        const auto library = plugin_library::load(m);
        log_sink logs(io.err, options.logs, m.name);
        const ah_host_api host = logs.host_api();
        if (!params)
            return run_batch(library, host, config.text, action, options, io, logs);

        plugin_instance instance(library, config.text, &host);
        before_start.reset();
        invocation_options run;
        if (options.timeout_seconds)
            run.timeout = std::chrono::duration<double>(*options.timeout_seconds);
        run.signals = options.signals;
        const invocation_result r = run_invocation(instance, action, params->text, run);
        if (!r.undeclared_type.empty())
            warn_undeclared(logs, m, r.undeclared_type);

        io.out << (options.pretty ? indent_json(r.outcome.result_json) : r.outcome.result_json)
               << '\n';
        io.out.flush();
        explain(r, options, io.err);
        if (!io.out) {
            // Closed, full, or a broken pipe: the result goes to stderr rather than nowhere.
            say(io.err, "cannot write the result to stdout (closed, full or a broken pipe); exit " +
                            std::to_string(exit_code::output_lost) + " (the action's own exit " +
                            "code was " + std::to_string(r.exit_code) +
                            "). The result: " + r.outcome.result_json);
            return exit_code::output_lost;
        }
        return r.exit_code;
    } catch (const host_error& e) {
        return report_failure(e, io);
    }
}

}  // namespace actionhost::core
