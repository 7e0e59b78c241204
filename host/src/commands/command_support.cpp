#include "command_support.hpp"

#include "json_text.hpp"
#include "printable.hpp"

namespace actionhost::core {

void say(std::ostream& err, std::string_view message) {
    err << "actionhost: " << printable(message) << '\n';
}

int report_failure(const host_error& error, streams io) {
    say(io.err, error.what());
    io.out << error_result(error.type(), error.what()) << '\n';
    io.out.flush();
    return error.exit_code();
}

void warn_problems(const plugin_catalog& catalog, std::ostream& err) {
    for (const auto& p : catalog.problems())
        say(err, "warning: " + p.message);
    for (const auto& p : catalog.shadowed())
        say(err, "warning: " + p.message);
}

std::pair<std::string, std::string> split_target(const std::string& target) {
    const auto dot = target.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) {
        throw host_error(error_type::usage,
                         "\"" + target + "\" is not PLUGIN.ACTION (see `actionhost list`)");
    }
    return {target.substr(0, dot), target.substr(dot + 1)};
}

const action_info& require_action(const manifest& m, const std::string& action) {
    if (const action_info* a = m.find_action(action))
        return *a;
    std::string names;
    for (const auto& a : m.actions)
        names += (names.empty() ? "" : ", ") + a.name;
    throw host_error(error_type::unknown_action, "plugin \"" + m.name + "\" has no action \"" +
                                                     action + "\" (its actions: " + names +
                                                     "; manifest " + m.file.string() + ")");
}

void warn_undeclared(log_sink& logs, const manifest& m, const std::string& type) {
    json_writer event;
    event.begin_object().member("event", "undeclared_error_type");
    event.member("message", "plugin \"" + m.name + "\" returned error.type \"" + type +
                                "\", which its manifest does not declare (" + m.file.string() +
                                "); exit code 1");
    event.member("type", type).end_object();
    logs.write(AH_LOG_WARNING, event.str().c_str());
}

void print_report(std::ostream& out, const std::string& compact_json) {
    out << indent_json(compact_json) << '\n';
}

}  // namespace actionhost::core
