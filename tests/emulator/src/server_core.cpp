#include "server_core.hpp"

#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <cstdio>

namespace compshare_emulator {

server_core::server_core(options opts)
    : opts_(std::move(opts)),
      state_(opts_.state_json.empty() ? emulator_state::built_in_default()
                                      : emulator_state::from_json(opts_.state_json)),
      log_(opts_.request_log_file, opts_.verbose),
      // The first 24 hex digits of a random UUID; the last 12 count requests.
      id_prefix_(Poco::UUIDGenerator().createRandom().toString().substr(0, 24)) {}

void server_core::replace_state(emulator_state state) {
    std::lock_guard<std::mutex> lock(state_mutex_);
    state_ = std::move(state);
}

std::string server_core::next_request_id() {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%012llx",
                  static_cast<unsigned long long>(++id_counter_ & 0xffffffffffffULL));
    return id_prefix_ + suffix;
}

void server_core::wait_ms(int ms) {
    std::unique_lock<std::mutex> lock(stop_mutex_);
    stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void server_core::signal_stop() {
    {
        std::lock_guard<std::mutex> lock(stop_mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
}

}  // namespace compshare_emulator
