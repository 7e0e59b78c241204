// actionhost check [PLUGIN]: loads each plugin and reports its API version, its exported symbols,
// whether its embedded manifest agrees with the file, and whether its declared errors agree with
// its result schemas. Exit 8 when any plugin fails.
#include "api_version.hpp"
#include "command_support.hpp"
#include "commands.hpp"
#include "plugin_library.hpp"
#include "printable.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>

namespace actionhost::core {
namespace {

struct plugin_check {
    const manifest* plugin = nullptr;
    std::string api_version;  // what the library says; "" when it did not load
    std::vector<std::string> symbols;
    std::vector<std::string> missing_symbols;
    std::vector<std::string> unexpected_symbols;
    std::vector<std::string> error_problems;  // declared errors vs. result schemas
    std::string error_type;                   // why it failed to load, if it did
    std::string error;
    bool loaded() const { return error.empty(); }
    bool ok() const { return loaded() && error_problems.empty(); }
};

struct check_report {
    const plugin_catalog& catalog;
    std::vector<plugin_check> plugins;
    // Unreadable manifests (a failure) and shadowed plugins (a note), for the whole path only.
    std::vector<plugin_catalog::problem> failures;
    std::vector<plugin_catalog::problem> notes;
    bool ok() const {
        return failures.empty() && std::all_of(plugins.begin(), plugins.end(),
                                               [](const plugin_check& p) { return p.ok(); });
    }
};

plugin_check check_plugin(const manifest& m) {
    plugin_check c;
    c.plugin = &m;
    c.error_problems = error_declaration_problems(m);
    try {
        if (std::filesystem::exists(m.library)) {
            c.symbols = exported_symbols(m.library);
            for (const auto& s : c.symbols) {
                if (s.rfind("ah_plugin_", 0) != 0)
                    c.unexpected_symbols.push_back(s);
            }
            for (const char* r : required_symbols) {
                if (std::find(c.symbols.begin(), c.symbols.end(), r) == c.symbols.end())
                    c.missing_symbols.emplace_back(r);
            }
        }
        c.api_version = plugin_library::load(m)->api_version();
    } catch (const host_error& e) {
        c.error = e.what();
        c.error_type = e.type();
    }
    return c;
}

std::string to_json(const check_report& report) {
    json_writer out;
    out.begin_object().member("ok", report.ok());
    out.member("host_api_version", host_api_version().str());
    out.key("plugin_path").begin_array();
    for (const auto& d : report.catalog.dirs())
        out.value(d.string());
    out.end_array();
    out.key("plugins").begin_array();
    for (const auto& c : report.plugins) {
        const manifest& m = *c.plugin;
        out.begin_object();
        out.member("plugin", m.name).member("manifest", m.file.string());
        out.member("library", m.library.string()).member("manifest_api_version", m.api_version);
        if (!c.api_version.empty())
            out.member("api_version", c.api_version);
        out.member("exported_symbols", c.symbols).member("missing_symbols", c.missing_symbols);
        out.member("unexpected_symbols", c.unexpected_symbols);
        out.member("manifest_agrees", c.loaded());
        out.member("errors_agree", c.error_problems.empty());
        out.member("error_problems", c.error_problems);
        out.member("ok", c.ok());
        if (!c.loaded()) {
            out.key("error").begin_object().member("type", c.error_type);
            out.member("message", c.error).end_object();
        }
        out.end_object();
    }
    out.end_array();
    out.key("problems").begin_array();
    for (const auto* list : {&report.failures, &report.notes}) {
        for (const auto& p : *list)
            out.value(p.message);
    }
    out.end_array().end_object();
    return out.take();
}

void print_text(const check_report& report, streams io) {
    for (const auto& c : report.plugins) {
        const manifest& m = *c.plugin;
        io.out << m.name << ": " << (c.ok() ? "OK" : "FAILED")
               << "\n  manifest: " << printable(m.file.string())
               << "\n  library:  " << printable(m.library.string()) << "\n  API version: "
               << (c.api_version.empty() ? "(not loaded)" : printable(c.api_version))
               << " (manifest says " << printable(m.api_version) << ", host implements "
               << host_api_version().str() << ")\n  exported symbols:";
        for (const auto& s : c.symbols)
            io.out << ' ' << printable(s);
        if (c.symbols.empty())
            io.out << " (none)";
        io.out << '\n';
        if (!c.unexpected_symbols.empty())
            io.out << "  warning: exports beyond ah_plugin_*: " << c.unexpected_symbols.size()
                   << '\n';
        if (c.loaded()) {
            io.out << "  embedded manifest: agrees with the file\n";
        } else {
            io.out << "  error: " << printable(c.error) << '\n';
            say(io.err, c.error);
        }
        if (c.error_problems.empty()) {
            io.out << "  declared errors: agree with the result schemas\n";
        }
        for (const auto& p : c.error_problems) {
            io.out << "  error: " << printable(p) << '\n';
            say(io.err, "plugin \"" + m.name + "\": " + p);
        }
    }
    for (const auto& p : report.failures) {
        io.out << "problem: " << printable(p.message) << '\n';
        say(io.err, p.message);
    }
    for (const auto& p : report.notes)
        io.out << "note: " << printable(p.message) << '\n';
    if (report.plugins.empty() && report.failures.empty())
        io.out << "no plugins found in the plugin path\n";
}

}  // namespace

int check_command(const plugin_catalog& catalog, const std::optional<std::string>& plugin,
                  bool json, streams io) {
    check_report report{catalog, {}, {}, {}};
    if (plugin) {
        try {
            report.plugins.push_back(check_plugin(catalog.require(*plugin)));
        } catch (const host_error& e) {
            return report_failure(e, io);
        }
    } else {
        for (const auto& m : catalog.plugins())
            report.plugins.push_back(check_plugin(m));
        report.failures = catalog.problems();
        report.notes = catalog.shadowed();
    }
    if (json)
        print_report(io.out, to_json(report));
    else
        print_text(report, io);
    int worst = report.failures.empty() ? exit_code::ok : exit_code::plugin;
    for (const auto& c : report.plugins) {
        if (!c.loaded())
            worst = std::max(worst, exit_code_for_host_error(c.error_type));
        else if (!c.ok())
            worst = std::max(worst, exit_code::plugin);
    }
    return worst;
}

}  // namespace actionhost::core
