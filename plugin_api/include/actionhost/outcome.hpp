// What a plugin reports: an action's outcome, and plugin_error to refuse a configuration.
#pragma once

#include <actionhost/plugin_api.h>
#include <actionhost/json_writer.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace actionhost {

// What an action returns: the status, the result object, and (for a non-OK status) the message
// ah_plugin_last_error() reports.
struct outcome {
    ah_status status = AH_OK;
    std::string result_json;  // one JSON object
    std::string message;      // required when status != AH_OK

    // {"ok": false, "error": {"type", "message", "retryable"}} with the matching status.
    static outcome failure(ah_status status, std::string_view type, std::string_view message,
                           bool retryable = false) {
        json_writer json;
        json.begin_object().member("ok", false).key("error").begin_object();
        json.member("type", type).member("message", message).member("retryable", retryable);
        json.end_object().end_object();
        return {status, json.take(), std::string(message)};
    }
    static outcome unknown_action(std::string_view action) {
        return failure(AH_UNKNOWN_ACTION, "UnknownAction",
                       "unknown action " + json_quote(action) + " (see the plugin's manifest)");
    }
};

// Thrown from a plugin's constructor to refuse its configuration with a given status.
class plugin_error : public std::runtime_error {
  public:
    plugin_error(ah_status status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    ah_status status() const noexcept { return status_; }

  private:
    ah_status status_;
};

}  // namespace actionhost
