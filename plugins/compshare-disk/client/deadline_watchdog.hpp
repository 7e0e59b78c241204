// Enforces a deadline on a whole HTTP exchange (connect, handshake, send, the whole reply) by
// shutting its socket down when the deadline passes. Socket timeouts alone bound each system
// call, so a server that trickles one byte at a time could keep a request open forever.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace compshare {

class deadline_watchdog {
  public:
    using clock = std::chrono::steady_clock;

    deadline_watchdog() = default;
    ~deadline_watchdog();  // stops and joins the thread
    deadline_watchdog(const deadline_watchdog&) = delete;
    deadline_watchdog& operator=(const deadline_watchdog&) = delete;

    // While alive, shuts `socket` down (SHUT_RDWR) once `deadline` passes, so a blocked
    // connect, handshake, send or receive on it returns at once. One at a time per watchdog.
    // The caller keeps `socket` open until the watch is destroyed.
    class watch {
      public:
        watch(deadline_watchdog& dog, int socket, clock::time_point deadline);
        ~watch();
        watch(const watch&) = delete;
        watch& operator=(const watch&) = delete;
        // True once the deadline passed and the socket was shut down.
        bool expired() const;

      private:
        deadline_watchdog& dog_;
    };

  private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool armed_ = false;
    bool expired_ = false;
    int socket_ = -1;
    clock::time_point deadline_;
    // When the thread wakes up on its own (max(): it waits for a notification). A new watch
    // whose deadline is not earlier needs no notification: the thread re-checks at that time.
    // So the usual request (same timeout, later deadline) costs two uncontended locks and no
    // wake-up of the thread.
    clock::time_point wakes_at_ = clock::time_point::max();
    // Started at the first watch and kept for the transport's life: a thread per request would
    // cost more than the request on a kept-alive loopback connection.
    std::thread thread_;
};

}  // namespace compshare
