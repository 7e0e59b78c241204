// actionhost list: the plugins and their actions, from the manifests alone (nothing is loaded).
#include "command_support.hpp"
#include "commands.hpp"
#include "printable.hpp"

#include <algorithm>
#include <ostream>

namespace actionhost::core {
namespace {

struct list_report {
    const std::vector<manifest>& plugins;
    std::vector<std::string> problems;  // unreadable manifests, shadowed plugins
};

list_report build_report(const plugin_catalog& catalog) {
    list_report report{catalog.plugins(), {}};
    for (const auto& p : catalog.problems())
        report.problems.push_back(p.message);
    for (const auto& p : catalog.shadowed())
        report.problems.push_back(p.message);
    return report;
}

std::string to_json(const list_report& report) {
    json_writer out;
    out.begin_object().key("plugins").begin_array();
    for (const auto& m : report.plugins) {
        out.begin_object();
        out.member("name", m.name).member("version", m.version);
        out.member("api_version", m.api_version).member("description", m.description);
        out.member("manifest", m.file.string()).member("library", m.library.string());
        out.key("actions").begin_array();
        for (const auto& a : m.actions)
            out.begin_object()
                .member("name", a.name)
                .member("description", a.description)
                .end_object();
        out.end_array().end_object();
    }
    out.end_array();
    out.member("problems", report.problems).end_object();
    return out.take();
}

void print_text(const list_report& report, std::ostream& out) {
    for (const auto& m : report.plugins) {
        out << m.name << ' ' << printable(m.version) << "  " << printable(m.description) << '\n';
        std::size_t width = 0;
        for (const auto& a : m.actions)
            width = std::max(width, a.name.size());
        for (const auto& a : m.actions) {
            out << "  " << m.name << '.' << a.name << std::string(width - a.name.size() + 2, ' ')
                << printable(a.description) << '\n';
        }
    }
}

}  // namespace

int list_command(const plugin_catalog& catalog, bool json, streams io) {
    warn_problems(catalog, io.err);
    const list_report report = build_report(catalog);
    if (json) {
        print_report(io.out, to_json(report));
        return exit_code::ok;
    }
    if (report.plugins.empty())
        say(io.err, "no plugins found in the plugin path");
    print_text(report, io.out);
    return exit_code::ok;
}

}  // namespace actionhost::core
