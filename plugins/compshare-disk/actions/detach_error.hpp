// The action's error types (the result's error.type) and how an API failure maps onto them.
#pragma once

#include "client/api_client.hpp"

#include <actionhost/plugin_api.h>

#include <optional>
#include <string>

namespace compshare::detach {

// Stable error.type strings; the host maps them to its exit codes.
namespace error_type {
inline constexpr const char* invalid_parameter = "InvalidParameter";
inline constexpr const char* credentials_missing = "CredentialsMissing";
inline constexpr const char* auth_failed = "AuthFailed";
inline constexpr const char* instance_not_found = "InstanceNotFound";
inline constexpr const char* disk_not_found = "DiskNotFound";
inline constexpr const char* disk_attached_elsewhere = "DiskAttachedElsewhere";
inline constexpr const char* system_disk = "SystemDiskNotDetachable";
inline constexpr const char* instance_not_stopped = "InstanceNotStopped";
inline constexpr const char* api_error = "ApiError";
inline constexpr const char* transient = "Transient";
inline constexpr const char* wait_timeout = "WaitTimeout";
inline constexpr const char* cancelled = "Cancelled";
}  // namespace error_type

// RetCodes with a meaning of their own.
namespace ret_code {
inline constexpr int api_timeout = 110;  // gateway: the backend did not answer in 60 s
inline constexpr int service_unavailable = 150;
inline constexpr int rate_limited = 153;
inline constexpr int resources_short = 226604;  // "resources insufficient, try later"
inline constexpr int service_error = 8433;      // "service error, contact support": ApiError
inline constexpr int disk_detaching = 8434;     // "disk is still detaching"
inline constexpr int detach_in_progress = 17061;
}  // namespace ret_code

struct error_info {
    std::string type;
    std::string message;
    bool retryable = false;
    std::optional<int> ret_code;
    std::string api_message;  // "" = none
    std::string request_id;   // "" = none
    bool tls = false;         // AuthFailed because the server's certificate did not verify
};

// The ABI status for an error type (the status is the one success signal).
ah_status status_for(const std::string& type);

// What the caller should do next, for people.
std::string hint_for(const error_info& error, bool detach_sent);

// Classifies a failed call. `context` prefixes the message (e.g. "DescribeCompShareInstance for
// uhost-x"; the failure's own "Action: " prefix is dropped when the context names the action).
// RetCodes 170-174 and TLS verification failures are AuthFailed; gateway overload (110, 150,
// 153, 226604), network, HTTP 429/5xx and malformed replies are Transient; other RetCodes
// (8433 "contact support" among them) are ApiError.
error_info classify(const api_failure& failure, const std::string& context);

// True when a detach answer means "accepted earlier, still detaching" (17061, 8434).
bool is_detach_in_progress(const api_failure& failure);

}  // namespace compshare::detach
