// Runs one action under the host's control: --timeout and SIGINT/SIGTERM cancel it
// (ah_plugin_cancel), the host waits for the plugin to return, and the outcome says why.
#pragma once

#include "exit_codes.hpp"
#include "plugin_instance.hpp"

#include <signal.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace actionhost::core {

// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread it starts later)
// and restores the previous mask on destruction. Create it first thing in main(), before any
// thread exists: the invocation then receives the signals through a signalfd instead of a
// handler, so no global state is needed.
class blocked_signals {
  public:
    blocked_signals();
    ~blocked_signals();
    blocked_signals(const blocked_signals&) = delete;
    blocked_signals& operator=(const blocked_signals&) = delete;

  private:
    sigset_t previous_{};
};

struct invocation_options {
    // Cancel when this much time has passed (then wait for the plugin to return).
    std::optional<std::chrono::duration<double>> timeout;
    // Watch SIGINT/SIGTERM (they must be blocked, see blocked_signals).
    bool watch_signals = false;
    // Called when a second signal arrives while the plugin is still returning from a cancel:
    // the default prints a result and a message and leaves the process at once (_Exit).
    std::function<void(int exit_code)> on_second_signal;
};

struct invocation_result {
    invoke_outcome outcome;
    cancel_reason reason = cancel_reason::none;
    int exit_code = exit_code::ok;
};

invocation_result run_invocation(plugin_instance& instance, const std::string& action,
                                 const std::string& params_json, const invocation_options& options);

}  // namespace actionhost::core
