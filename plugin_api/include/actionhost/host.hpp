// What the host offers a plugin instance: its log callback and the instance's cancellation.
#pragma once

#include <actionhost/plugin_api.h>
#include <actionhost/cancel_signal.hpp>
#include <actionhost/json_writer.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace actionhost {

class host {
  public:
    host(const ah_host_api* api, cancel_signal& cancel) : cancel_(cancel) {
        if (api == nullptr)
            return;
        if (api->struct_size >= offsetof(ah_host_api, log) + sizeof api->log) {
            ctx_ = api->host_ctx;
            log_ = api->log;
        }
    }

    bool has_log() const noexcept { return log_ != nullptr; }

    // Sends one event (a JSON object with "event" and "message") to the host, if it takes them.
    void log(ah_log_level level, const std::string& event_json) const noexcept {
        if (log_ != nullptr)
            log_(ctx_, level, event_json.c_str());
    }
    // Convenience for a plain event: {"event": event, "message": message}.
    void log(ah_log_level level, std::string_view name, std::string_view message) const {
        if (log_ == nullptr)
            return;
        json_writer event;
        event.begin_object().member("event", name).member("message", message).end_object();
        log(level, event.str());
    }

    cancel_signal& cancellation() const noexcept { return cancel_; }

  private:
    cancel_signal& cancel_;
    void* ctx_ = nullptr;
    ah_log_fn log_ = nullptr;
};

}  // namespace actionhost
