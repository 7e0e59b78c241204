// Cancellation of one plugin instance, as a plugin sees it through host::cancellation().
//
// A plugin checks requested() between steps, sleeps with sleep_for() (a cancel wakes it at once)
// and holds a socket_guard around blocking network I/O (a cancel shuts the socket down, so the
// send or receive returns at once). request() and consume() belong to the exports AH_PLUGIN
// generates (ah_plugin_cancel, the end of each invocation) and to tests.
#pragma once

#include <actionhost/detail/wake_event.hpp>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace actionhost {

class cancel_signal {
  public:
    cancel_signal() = default;
    cancel_signal(const cancel_signal&) = delete;
    cancel_signal& operator=(const cancel_signal&) = delete;

    // Async-signal-safe, any thread: only atomics, shutdown(2) and write(2).
    void request() noexcept {
        requested_.store(true);
        busy_.fetch_add(1);
        const int socket = socket_.exchange(-1);
        if (socket >= 0)
            ::shutdown(socket, SHUT_RDWR);
        busy_.fetch_sub(1);
        wake_.notify();
        woken_.store(true);  // after the write: consume() drains only what was written
    }

    bool requested() const noexcept { return requested_.load(); }

    // Clears a request once an invocation has honoured (or outlived) it. The wake-up is read
    // only when a request wrote one: a read(2) less per invocation.
    void consume() noexcept {
        requested_.store(false);
        if (woken_.exchange(false))
            wake_.drain();
    }

    // Readable once a cancel was requested: for a plugin's own poll() on other descriptors
    // (a lookup in progress, say) that a cancel must interrupt.
    int fd() const noexcept { return wake_.fd(); }

    // Sleeps for `duration` (at most a year) unless cancelled first. Returns false when
    // cancelled.
    template <class Rep, class Period>
    bool sleep_for(std::chrono::duration<Rep, Period> duration) const {
        using namespace std::chrono;
        const auto capped = duration < duration_cast<decltype(duration)>(hours(24 * 365))
                                ? duration_cast<nanoseconds>(duration)
                                : duration_cast<nanoseconds>(hours(24 * 365));
        const auto deadline = steady_clock::now() + capped;
        while (!requested()) {
            const auto left = ceil<milliseconds>(deadline - steady_clock::now());
            if (left.count() <= 0)
                return true;
            const int timeout = left.count() > 1000000 ? 1000000 : static_cast<int>(left.count());
            if (wake_.wait(timeout) && !requested())
                wake_.drain();  // a stale wake-up
        }
        return false;
    }

    // While alive, a cancel also shuts the socket down, so a blocking send/receive on it returns
    // at once. The owner must destroy the guard before closing the socket.
    class socket_guard {
      public:
        socket_guard(cancel_signal& signal, int socket) : signal_(signal) {
            signal_.socket_.store(socket);
            if (signal_.requested()) {
                const int s = signal_.socket_.exchange(-1);
                if (s >= 0)
                    ::shutdown(s, SHUT_RDWR);
            }
        }
        ~socket_guard() {
            signal_.socket_.store(-1);
            // A request() that picked the socket up may still be inside shutdown(2).
            while (signal_.busy_.load() != 0)
                std::this_thread::yield();
        }
        socket_guard(const socket_guard&) = delete;
        socket_guard& operator=(const socket_guard&) = delete;

      private:
        cancel_signal& signal_;
    };

  private:
    detail::wake_event wake_;
    std::atomic<bool> requested_{false};
    std::atomic<bool> woken_{false};  // request() has notified wake_ since the last consume()
    std::atomic<int> socket_{-1};
    std::atomic<int> busy_{0};
    static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
                  "cancel_signal must be async-signal-safe");
};

}  // namespace actionhost
