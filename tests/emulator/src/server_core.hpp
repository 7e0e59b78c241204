// Everything the HTTP handlers share: options, the state under its lock, faults, the request
// log, request ids, and the stop signal that cuts injected delays short.
#pragma once

#include "compshare_emulator/server.hpp"
#include "emulator_state.hpp"
#include "faults.hpp"
#include "request_log.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace compshare_emulator {

class server_core {
  public:
    explicit server_core(options opts);

    const options& opts() const { return opts_; }

    // The state, settled (finished detaches applied) at `now`, under its lock.
    template <typename Function>
    auto with_state(Function&& function) {
        std::lock_guard<std::mutex> lock(state_mutex_);
        state_.settle(clock::now());
        return function(state_);
    }
    void replace_state(emulator_state state);

    fault_queue& faults() { return faults_; }
    request_log& log() { return log_; }
    const request_log& log() const { return log_; }

    // A fresh X-UCLOUD-REQUEST-UUID: a random per-server prefix plus a counter (cheap, unique).
    std::string next_request_id();

    // Waits up to ms milliseconds; returns early once stopping() was signalled.
    void wait_ms(int ms);
    void signal_stop();

  private:
    options opts_;
    std::mutex state_mutex_;
    emulator_state state_;
    fault_queue faults_;
    request_log log_;
    std::string id_prefix_;
    std::atomic<std::uint64_t> id_counter_{0};
    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
};

}  // namespace compshare_emulator
