// SIGINT, SIGTERM and SIGHUP, for the whole life of the process and in every phase of it.
//
// The constructor blocks the three signals (create the watcher first thing in main(), before any
// thread exists, so every thread inherits the mask) and a thread of its own reads them from a
// signalfd: no signal handler and no global state. What a signal does depends on the phase:
// - while a route is in place (an invocation or a batch runs, or a command reads its input), the
//   first signal goes to its `on_signal` (cancel, then let the work end with a result) and every
//   later one to `on_repeat` (stop waiting for the plugin);
// - otherwise (scanning plugins, say) the watcher's `idle` handler runs; it must end the process.
// Routes nest: a route set up while another is in place replaces it until it ends. Handlers run
// on the watcher's thread, one at a time; a route's destructor waits for a handler that is
// running, so a handler may use what the route's owner owns.
#pragma once

#include <actionhost/detail/unique_fd.hpp>

#include <signal.h>

#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace actionhost::core {

using actionhost::detail::unique_fd;

// The conventional exit code of a process ended by `signo`: 128 + signo (130, 143, 129).
constexpr int exit_code_for_signal(int signo) {
    return 128 + signo;
}

// "SIGINT", "SIGTERM", "SIGHUP" (or "signal N").
const char* signal_name(int signo);

class signal_watcher {
  public:
    using handler = std::function<void(int signo)>;

    // Throws std::system_error when the signals cannot be blocked or watched.
    explicit signal_watcher(handler idle);
    ~signal_watcher();  // stops the thread and restores the previous signal mask
    signal_watcher(const signal_watcher&) = delete;
    signal_watcher& operator=(const signal_watcher&) = delete;

    struct handlers {
        handler on_signal;
        handler on_repeat;
        bool signalled = false;  // on_signal has run
    };

    class route {
      public:
        route(route&& other) noexcept
            : watcher_(std::exchange(other.watcher_, nullptr)), saved_(std::move(other.saved_)) {}
        route& operator=(route&&) = delete;
        route(const route&) = delete;
        route& operator=(const route&) = delete;
        ~route();  // the handlers in place before it are back

      private:
        friend class signal_watcher;
        route(signal_watcher& watcher, handlers saved)
            : watcher_(&watcher), saved_(std::move(saved)) {}
        signal_watcher* watcher_;
        handlers saved_;
    };

    // Sends signals to these handlers while the returned route lives.
    [[nodiscard]] route route_to(handler on_signal, handler on_repeat);

  private:
    void watch();
    void dispatch(int signo);
    void dispatch_locked(int signo);  // mutex_ held
    void dispatch_pending_locked();   // mutex_ held: the signals read without blocking

    sigset_t previous_mask_{};
    unique_fd signals_;
    unique_fd stop_;
    handler idle_;
    std::mutex mutex_;  // guards current_ and serialises the handlers' calls
    handlers current_;  // empty: idle_
    std::thread thread_;
};

}  // namespace actionhost::core
