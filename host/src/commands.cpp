#include "commands.hpp"

#include "api_version.hpp"
#include "batch.hpp"
#include "invocation.hpp"
#include "json_input.hpp"
#include "json_text.hpp"
#include "plugin_instance.hpp"
#include "plugin_library.hpp"
#include "schema_fields.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <ostream>

namespace actionhost::core {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

void warn_problems(const plugin_catalog& catalog, std::ostream& err) {
    for (const auto& p : catalog.problems())
        err << "actionhost: warning: " << p.message << '\n';
    for (const auto& p : catalog.shadowed())
        err << "actionhost: warning: " << p.message << '\n';
}

void print_fields(std::ostream& out, const std::string& title, const Array::Ptr& fields) {
    out << title << ":\n";
    if (fields->size() == 0)
        out << "  (no fields declared)\n";
    for (std::size_t i = 0; i < fields->size(); ++i) {
        const auto f = fields->getObject(static_cast<unsigned>(i));
        out << "  " << f->getValue<std::string>("name") << " (" << f->getValue<std::string>("type")
            << (f->getValue<bool>("required") ? ", required" : ", optional");
        if (f->has("default"))
            out << ", default " << var_json(f->get("default"));
        out << ")";
        if (f->has("description"))
            out << ": " << f->getValue<std::string>("description");
        out << '\n';
    }
}

Object::Ptr action_json(const manifest& m, const action_info& a) {
    Object::Ptr o = make_object();
    o->set("plugin", m.name);
    o->set("action", a.name);
    o->set("description", a.description);
    o->set("params", schema_fields(a.params_schema));
    o->set("result", schema_fields(a.result_schema));
    o->set("params_schema", a.params_schema);
    o->set("result_schema", a.result_schema);
    return o;
}

// "plugin "p" has no action "x" (its actions: a, b; manifest /path)".
host_error unknown_action_error(const manifest& m, const std::string& action) {
    std::string names;
    for (const auto& a : m.actions)
        names += (names.empty() ? "" : ", ") + a.name;
    return host_error(error_type::unknown_action, "plugin \"" + m.name + "\" has no action \"" +
                                                      action + "\" (its actions: " + names +
                                                      "; manifest " + m.file.string() + ")");
}

void write_json(std::ostream& out, const Object& object) {
    out << to_json(object, 2) << '\n';
}

}  // namespace

std::pair<std::string, std::string> split_target(const std::string& target) {
    const auto dot = target.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) {
        throw host_error(error_type::usage,
                         "\"" + target + "\" is not PLUGIN.ACTION (see `actionhost list`)");
    }
    return {target.substr(0, dot), target.substr(dot + 1)};
}

int report_failure(const host_error& error, streams io) {
    io.err << "actionhost: " << error.what() << '\n';
    io.out << error_result(error.type(), error.what()) << '\n';
    io.out.flush();
    return error.exit_code();
}

int list_command(const plugin_catalog& catalog, bool json, streams io) {
    warn_problems(catalog, io.err);
    if (json) {
        Object result(Poco::JSON_PRESERVE_KEY_ORDER);
        Array::Ptr plugins = make_array();
        for (const auto& m : catalog.plugins()) {
            Object::Ptr p = make_object();
            p->set("name", m.name);
            p->set("version", m.version);
            p->set("api_version", m.api_version);
            p->set("description", m.description);
            p->set("manifest", m.file.string());
            p->set("library", m.library.string());
            Array::Ptr actions = make_array();
            for (const auto& a : m.actions) {
                Object::Ptr action = make_object();
                action->set("name", a.name);
                action->set("description", a.description);
                actions->add(action);
            }
            p->set("actions", actions);
            plugins->add(p);
        }
        result.set("plugins", plugins);
        Array::Ptr problems = make_array();
        for (const auto& p : catalog.problems())
            problems->add(p.message);
        for (const auto& p : catalog.shadowed())
            problems->add(p.message);
        result.set("problems", problems);
        write_json(io.out, result);
        return exit_code::ok;
    }
    if (catalog.plugins().empty()) {
        io.err << "actionhost: no plugins found in the plugin path\n";
    }
    for (const auto& m : catalog.plugins()) {
        io.out << m.name << ' ' << m.version << "  " << m.description << '\n';
        std::size_t width = 0;
        for (const auto& a : m.actions)
            width = std::max(width, a.name.size());
        for (const auto& a : m.actions) {
            io.out << "  " << m.name << '.' << a.name << std::string(width - a.name.size() + 2, ' ')
                   << a.description << '\n';
        }
    }
    return exit_code::ok;
}

int describe_command(const plugin_catalog& catalog, const std::string& target, bool json,
                     streams io) {
    try {
        const auto dot = target.find('.');
        const std::string plugin = target.substr(0, dot);
        const manifest& m = catalog.require(plugin);
        std::vector<const action_info*> actions;
        if (dot != std::string::npos) {
            const std::string action = target.substr(dot + 1);
            const action_info* a = m.find_action(action);
            if (a == nullptr)
                throw unknown_action_error(m, action);
            actions.push_back(a);
        } else {
            for (const auto& a : m.actions)
                actions.push_back(&a);
        }
        if (json) {
            if (dot != std::string::npos) {
                write_json(io.out, *action_json(m, *actions.front()));
                return exit_code::ok;
            }
            Object result(Poco::JSON_PRESERVE_KEY_ORDER);
            result.set("plugin", m.name);
            result.set("version", m.version);
            result.set("api_version", m.api_version);
            result.set("description", m.description);
            result.set("manifest", m.file.string());
            result.set("library", m.library.string());
            result.set("config", schema_fields(m.config_schema));
            result.set("config_schema", m.config_schema);
            Array::Ptr list = make_array();
            for (const auto* a : actions)
                list->add(action_json(m, *a));
            result.set("actions", list);
            write_json(io.out, result);
            return exit_code::ok;
        }
        if (dot == std::string::npos) {
            io.out << m.name << ' ' << m.version << " (plugin API " << m.api_version << ")\n"
                   << m.description << "\nmanifest: " << m.file.string()
                   << "\nlibrary:  " << m.library.string() << "\n\n";
            print_fields(io.out, "Config", schema_fields(m.config_schema));
        }
        for (const auto* a : actions) {
            io.out << (dot == std::string::npos ? "\n" : "") << m.name << '.' << a->name << ": "
                   << a->description << '\n';
            print_fields(io.out, "Parameters", schema_fields(a->params_schema));
            print_fields(io.out, "Result fields", schema_fields(a->result_schema));
        }
        return exit_code::ok;
    } catch (const host_error& e) {
        return report_failure(e, io);
    }
}

int run_command(const plugin_catalog& catalog, const run_options& options, streams io) {
    try {
        const auto [plugin, action] = split_target(options.target);
        const manifest& m = catalog.require(plugin);
        if (m.find_action(action) == nullptr)
            throw unknown_action_error(m, action);
        if (options.timeout_seconds && !(*options.timeout_seconds > 0)) {
            throw host_error(error_type::usage, "--timeout must be a positive number of seconds");
        }
        if (!options.batch_file.empty() && options.params) {
            throw host_error(error_type::usage, "--batch and --params cannot be used together");
        }
        if (!options.batch_file.empty() && options.pretty) {
            throw host_error(error_type::usage,
                             "--batch and --pretty cannot be used together (one result per line)");
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

        if (!options.batch_file.empty()) {
            return run_batch(library, host, config.text, action, options, io);
        }

        plugin_instance instance(library, config.text, &host);
        invocation_options run;
        if (options.timeout_seconds) {
            run.timeout = std::chrono::duration<double>(*options.timeout_seconds);
        }
        run.watch_signals = options.watch_signals;
        const invocation_result r = run_invocation(instance, action, params->text, run);

        io.out << (options.pretty ? pretty_json(r.outcome.result_json) : r.outcome.result_json)
               << '\n';
        io.out.flush();
        if (r.reason == cancel_reason::timeout) {
            io.err << "actionhost: " << options.target << " timed out after "
                   << *options.timeout_seconds << " s; cancelled (exit " << r.exit_code << ")\n";
        } else if (r.reason != cancel_reason::none) {
            io.err << "actionhost: " << options.target << " cancelled by "
                   << (r.reason == cancel_reason::sigint ? "SIGINT" : "SIGTERM") << " (exit "
                   << r.exit_code << ")\n";
        }
        if (r.outcome.status != AH_OK) {
            io.err << "actionhost: " << options.target << " failed with "
                   << status_name(r.outcome.status) << " (exit " << r.exit_code
                   << "): " << r.outcome.last_error << '\n';
        }
        return r.exit_code;
    } catch (const host_error& e) {
        return report_failure(e, io);
    }
}

int check_command(const plugin_catalog& catalog, const std::optional<std::string>& plugin,
                  bool json, streams io) {
    std::vector<const manifest*> selected;
    if (plugin) {
        try {
            selected.push_back(&catalog.require(*plugin));
        } catch (const host_error& e) {
            return report_failure(e, io);
        }
    } else {
        for (const auto& m : catalog.plugins())
            selected.push_back(&m);
    }
    int worst = exit_code::ok;
    Array::Ptr reports = make_array();
    for (const manifest* m : selected) {
        Object::Ptr report = make_object();
        report->set("plugin", m->name);
        report->set("manifest", m->file.string());
        report->set("library", m->library.string());
        report->set("manifest_api_version", m->api_version);
        Array::Ptr symbols = make_array();
        Array::Ptr missing = make_array();
        Array::Ptr unexpected = make_array();
        std::string error;
        std::string error_kind;
        try {
            if (std::filesystem::exists(m->library)) {
                const auto exported = exported_symbols(m->library);
                for (const auto& s : exported) {
                    symbols->add(s);
                    if (s.rfind("ah_plugin_", 0) != 0)
                        unexpected->add(s);
                }
                for (const char* r : required_symbols) {
                    if (std::find(exported.begin(), exported.end(), r) == exported.end()) {
                        missing->add(std::string(r));
                    }
                }
            }
            const auto library = plugin_library::load(*m);
            report->set("api_version", library->api_version());
        } catch (const host_error& e) {
            error = e.what();
            error_kind = e.type();
            worst = std::max(worst, e.exit_code());
        }
        report->set("exported_symbols", symbols);
        report->set("missing_symbols", missing);
        report->set("unexpected_symbols", unexpected);
        report->set("manifest_agrees", error.empty());
        report->set("ok", error.empty());
        if (!error.empty()) {
            Object::Ptr e = make_object();
            e->set("type", error_kind);
            e->set("message", error);
            report->set("error", e);
        }
        reports->add(report);
        if (json)
            continue;
        io.out << m->name << ": " << (error.empty() ? "OK" : "FAILED")
               << "\n  manifest: " << m->file.string() << "\n  library:  " << m->library.string()
               << "\n  API version: "
               << (report->has("api_version") ? report->getValue<std::string>("api_version")
                                              : "(not loaded)")
               << " (manifest says " << m->api_version << ", host implements "
               << host_api_version().str() << ")\n  exported symbols:";
        for (std::size_t i = 0; i < symbols->size(); ++i) {
            io.out << ' ' << symbols->getElement<std::string>(static_cast<unsigned>(i));
        }
        if (symbols->size() == 0)
            io.out << " (none)";
        io.out << '\n';
        if (unexpected->size() > 0) {
            io.out << "  warning: exports beyond ah_plugin_*: " << unexpected->size() << '\n';
        }
        if (error.empty()) {
            io.out << "  embedded manifest: agrees with the file\n";
        } else {
            io.out << "  error: " << error << '\n';
            io.err << "actionhost: " << error << '\n';
        }
    }
    // Unreadable manifests and shadowed duplicates are problems of the installation too.
    Array::Ptr problems = make_array();
    if (!plugin) {
        for (const auto& p : catalog.problems()) {
            problems->add(p.message);
            worst = std::max(worst, exit_code::plugin);
        }
        for (const auto& p : catalog.shadowed())
            problems->add(p.message);
    }
    if (json) {
        Object result(Poco::JSON_PRESERVE_KEY_ORDER);
        result.set("ok", worst == exit_code::ok);
        result.set("host_api_version", host_api_version().str());
        Array::Ptr dirs = make_array();
        for (const auto& d : catalog.dirs())
            dirs->add(d.string());
        result.set("plugin_path", dirs);
        result.set("plugins", reports);
        result.set("problems", problems);
        write_json(io.out, result);
    } else {
        if (!plugin) {
            for (const auto& p : catalog.problems()) {
                io.out << "problem: " << p.message << '\n';
                io.err << "actionhost: " << p.message << '\n';
            }
            for (const auto& p : catalog.shadowed())
                io.out << "note: " << p.message << '\n';
        }
        if (selected.empty() && catalog.problems().empty()) {
            io.out << "no plugins found in the plugin path\n";
        }
    }
    return worst;
}

}  // namespace actionhost::core
