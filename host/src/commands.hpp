// The four commands (list, describe, run, check). Each writes its output to the given streams
// and returns the exit code; failures of the host print a one-line message on `err` and a JSON
// failure result on `out`.
#pragma once

#include "host_error.hpp"
#include "log_sink.hpp"
#include "plugin_catalog.hpp"

#include <iosfwd>
#include <optional>
#include <string>

namespace actionhost::core {

struct streams {
    std::ostream& out;
    std::ostream& err;
    std::istream& in;
};

struct run_options {
    std::string target;                 // PLUGIN.ACTION
    std::optional<std::string> params;  // FILE, "-" or inline JSON; "{}" when absent
    std::string config_file;            // "" → {}
    std::optional<double> timeout_seconds;
    bool pretty = false;
    log_format logs = log_format::json;
    bool watch_signals = false;  // SIGINT/SIGTERM are blocked and must be watched
    std::string batch_file;      // --batch FILE.jsonl ("" → a single run)
    unsigned parallel = 1;       // --parallel N (batch only)
};

int list_command(const plugin_catalog& catalog, bool json, streams io);
int describe_command(const plugin_catalog& catalog, const std::string& target, bool json,
                     streams io);
int run_command(const plugin_catalog& catalog, const run_options& options, streams io);
int check_command(const plugin_catalog& catalog, const std::optional<std::string>& plugin,
                  bool json, streams io);

// Reports a host failure: "actionhost: <message>" on err, the JSON failure result on out.
int report_failure(const host_error& error, streams io);

// Splits "PLUGIN.ACTION" (throws host_error(Usage) when there is no '.').
std::pair<std::string, std::string> split_target(const std::string& target);

}  // namespace actionhost::core
