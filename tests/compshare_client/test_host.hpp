// An actionhost::host for client tests: captures log events and owns the cancel signal.
#pragma once

#include <actionhost/plugin.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace test_support {

class test_host {
  public:
    test_host()
        : api_{sizeof(ah_host_api), AH_PLUGIN_API_VERSION, this, &test_host::on_log},
          host_(&api_, cancel_) {}
    test_host(const test_host&) = delete;
    test_host& operator=(const test_host&) = delete;

    const actionhost::host& host() const noexcept { return host_; }
    actionhost::cancel_signal& cancel() noexcept { return cancel_; }

    std::vector<std::string> events() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }
    std::vector<ah_log_level> levels() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return levels_;
    }
    std::string all_events() const {
        std::string out;
        for (const auto& e : events())
            out += e + "\n";
        return out;
    }
    // Waits until an event containing `needle` has been logged; false after `timeout`.
    bool wait_for_event(const std::string& needle, std::chrono::milliseconds timeout) const {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] {
            for (const auto& e : events_) {
                if (e.find(needle) != std::string::npos)
                    return true;
            }
            return false;
        });
    }

  private:
    static void on_log(void* ctx, ah_log_level level, const char* message) {
        auto* self = static_cast<test_host*>(ctx);
        {
            std::lock_guard<std::mutex> lock(self->mutex_);
            self->events_.emplace_back(message);
            self->levels_.push_back(level);
        }
        self->cv_.notify_all();
    }

    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::vector<std::string> events_;
    std::vector<ah_log_level> levels_;
    ah_host_api api_;
    actionhost::cancel_signal cancel_;
    actionhost::host host_;
};

}  // namespace test_support
