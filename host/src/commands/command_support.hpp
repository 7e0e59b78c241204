// What the commands share: messages for people, the host's failure result, PLUGIN.ACTION.
#pragma once

#include "commands.hpp"
#include "host_error.hpp"
#include "manifest.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace actionhost::core {

// "actionhost: <message>" on one line, made safe for a terminal (see printable.hpp).
void say(std::ostream& err, std::string_view message);

// Reports a host failure: the message on err, the JSON failure result on out.
int report_failure(const host_error& error, streams io);

// Warns about unreadable manifests and shadowed plugins.
void warn_problems(const plugin_catalog& catalog, std::ostream& err);

// Splits "PLUGIN.ACTION" (throws host_error(Usage) when there is no '.').
std::pair<std::string, std::string> split_target(const std::string& target);

// The action of that name, or host_error(UnknownAction) listing the plugin's actions.
const action_info& require_action(const manifest& m, const std::string& action);

// Logs a warning event: the plugin returned an error.type its manifest does not declare.
void warn_undeclared(log_sink& logs, const manifest& m, const std::string& type);

// A report built with the JSON writer, indented, on `out`.
void print_report(std::ostream& out, const std::string& compact_json);

}  // namespace actionhost::core
