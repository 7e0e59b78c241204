// The four commands of `actionhost`, one file each: list, describe, run (with its batch mode in
// batch.cpp) and check. Each writes its report to the given streams and returns the exit code;
// a failure of the host prints a message on `err` and, where a result is due, a JSON failure
// result on `out`.
#pragma once

#include "log_sink.hpp"
#include "plugin_catalog.hpp"
#include "signal_watcher.hpp"

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
    signal_watcher* signals = nullptr;  // route signals to the running action(s)
    std::string batch_file;             // --batch FILE.jsonl ("" → a single run)
    unsigned parallel = 1;              // --parallel N (batch only)
};

int list_command(const plugin_catalog& catalog, bool json, streams io);
int describe_command(const plugin_catalog& catalog, const std::string& target, bool json,
                     streams io);
int run_command(const plugin_catalog& catalog, const run_options& options, streams io);
int check_command(const plugin_catalog& catalog, const std::optional<std::string>& plugin,
                  bool json, streams io);

}  // namespace actionhost::core
