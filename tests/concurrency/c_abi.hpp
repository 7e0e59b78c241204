// A plugin driven through its C ABI alone, nothing from plugin.hpp: loaded by the host's loader
// (plugin_library::open: version rule, every export resolved, the manifest beside it), then
// called through the resolved ah_plugin_table. Shared by the concurrency tests.
#pragma once

#include "plugin_library.hpp"

#include <actionhost/plugin_api.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace concurrency_test {

// How long any wait may take before a test fails instead of hanging.
inline constexpr std::chrono::seconds wait_limit{60};

// Counts log events of one name so another thread can wait for one (no sleeps).
class event_latch {
  public:
    explicit event_latch(std::string event) : needle_("\"event\":\"" + std::move(event) + "\"") {}

    void on_event(const char* message) {
        if (std::strstr(message, needle_.c_str()) == nullptr)
            return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++count_;
        }
        changed_.notify_all();
    }
    bool wait_for_count(int count) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, wait_limit, [&] { return count_ >= count; });
    }

    // An ah_log_fn whose host_ctx is an event_latch.
    static void log(void* ctx, ah_log_level, const char* message) {
        static_cast<event_latch*>(ctx)->on_event(message);
    }

  private:
    std::string needle_;
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

// An instance that destroys itself through its library.
class instance {
  public:
    instance(const ah_plugin_table& library, const std::string& config, event_latch* latch = nullptr)
        : library_(&library), handle_(nullptr, deleter{&library}) {
        ah_host_api host{};
        host.struct_size = sizeof host;
        host.api_version = AH_PLUGIN_API_VERSION;
        host.host_ctx = latch;
        host.log = latch != nullptr ? event_latch::log : nullptr;
        ah_instance* raw = nullptr;
        const ah_status status = library.create(&host, config.c_str(), &raw);
        handle_.reset(raw);
        if (status != AH_OK) {
            throw std::runtime_error("create failed: " +
                                     std::string(raw ? library.last_error(raw) : "(no instance)"));
        }
    }

    ah_instance* get() const noexcept { return handle_.get(); }

    struct call_result {
        ah_status status;
        std::string json;  // copied: the plugin's buffer lives only until the next call
    };

    call_result call(const char* action, const std::string& params) const {
        const char* result = nullptr;
        std::size_t length = 0;
        const ah_status status =
            library_->invoke(handle_.get(), action, params.data(), params.size(), &result, &length);
        if (result == nullptr)
            return {status, "<no result>"};
        if (std::strlen(result) != length)
            return {status, "<result length mismatch>"};
        return {status, std::string(result, length)};
    }

    void cancel() const noexcept { library_->cancel(handle_.get()); }

  private:
    struct deleter {
        const ah_plugin_table* library;
        void operator()(ah_instance* raw) const {
            if (library != nullptr)
                library->destroy(raw);
        }
    };
    const ah_plugin_table* library_;
    std::unique_ptr<ah_instance, deleter> handle_;
};

// Runs `body(index)` on `count` threads and joins them.
template <class Body>
void run_threads(int count, Body body) {
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(count));
    for (int index = 0; index < count; ++index)
        threads.emplace_back(body, index);
    for (auto& thread : threads)
        thread.join();
}

}  // namespace concurrency_test
