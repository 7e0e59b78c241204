// The `detach` action's result: one JSON object (its schema is the manifest's result_schema).
#pragma once

#include "detach_error.hpp"

#include <actionhost/json_writer.hpp>
#include <actionhost/outcome.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compshare::detach {

// `status` values.
namespace status {
inline constexpr const char* detached = "detached";
inline constexpr const char* already_detached = "already_detached";
inline constexpr const char* detach_requested = "detach_requested";
inline constexpr const char* would_detach = "would_detach";
inline constexpr const char* failed = "failed";
inline constexpr const char* cancelled = "cancelled";
}  // namespace status

// The API's own answer to DetachCompshareDisk (only its scalar, non-secret fields).
struct api_response {
    std::string action;  // e.g. "DetachCompshareDiskResponse"
    int ret_code = 0;
    std::string message;  // "" = none
};

// The report of an action that writes (detach, attach): its fields are the same, only the name of
// the "request sent" member and the hints differ.
struct detach_report {
    // The action's vocabulary: detach's by default.
    const char* sent_key = "detach_sent";
    std::string (*hint)(const error_info& error, bool sent) = hint_for;

    bool ok = false;
    bool changed = false;
    std::string status = status::failed;
    bool dry_run = false;
    bool detach_sent = false;  // the action's write was (or may have been) sent (sent_key)

    struct {
        std::string region, zone, uhost_id, udisk_id, device;  // "" = unknown
    } resource;

    struct {
        std::optional<std::string> instance_state;
        std::optional<bool> attached_before;
        std::optional<bool> attached_after;
    } observed;

    std::optional<api_response> response;
    std::vector<std::string> request_ids;

    struct {
        std::int64_t elapsed_ms = 0;
        int api_calls = 0;
        int polls = 0;
        int retries = 0;
    } timing;

    std::optional<std::string> client_token;
    std::vector<std::string> warnings;
    std::string message;
    std::optional<error_info> error;  // set iff !ok
};

// Writes "error" and "hint" members (every action's failure block).
void write_error(actionhost::json_writer& w, const error_info& error, const std::string& hint);

// Serialises the report; adds error + hint on failure.
std::string to_json(const detach_report& report);

// The report as the plugin's outcome: status from the error type (AH_OK when ok), the result
// JSON, and the error message for ah_plugin_last_error().
actionhost::outcome to_outcome(const detach_report& report);

// An outcome from a result JSON and its error (none when ok).
actionhost::outcome make_outcome(std::string json, const error_info* error, bool ok,
                                 const std::string& fallback_message);

}  // namespace compshare::detach
