// Runs one action under the host's control: --timeout and SIGINT/SIGTERM/SIGHUP cancel it
// (ah_plugin_cancel), the host waits for the plugin to return, and the result says why.
#pragma once

#include "exit_codes.hpp"
#include "plugin_instance.hpp"
#include "signal_watcher.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace actionhost::core {

struct invocation_options {
    // Cancel when this much time has passed (then wait for the plugin to return).
    std::optional<std::chrono::duration<double>> timeout;
    // Route signals to this invocation while it runs: the first cancels it.
    signal_watcher* signals = nullptr;
    // A signal after the first, while the plugin is still returning from the cancel. The
    // default prints a Cancelled result and a message and leaves the process at once (_Exit).
    std::function<void(int signo)> on_repeated_signal;
};

struct invocation_result {
    invoke_outcome outcome;
    cancel_reason reason = cancel_reason::none;
    int exit_code = exit_code::ok;
    // The result's error.type when the plugin's manifest does not declare it (exit 1).
    std::string undeclared_type;
};

invocation_result run_invocation(plugin_instance& instance, const std::string& action,
                                 const std::string& params_json, const invocation_options& options);

// Leaves the process at once for a signal, with what the caller still expects: `message` on
// stderr and a Cancelled result carrying it on stdout (written directly; async-signal-safe
// enough for the watcher's thread), then exit code 128 + signo.
[[noreturn]] void exit_for_signal(int signo, const std::string& message);

// The exit code of an outcome on an instance of `library`, by the plugin's declared errors.
invocation_result judge(invoke_outcome outcome, cancel_reason reason, const manifest& plugin);

}  // namespace actionhost::core
