// The error vocabulary the `attach` and `status` actions add to detach's (detach_error.hpp):
// attach's own error type, the UDisk RetCodes an attach can meet, and the hints.
#pragma once

#include "detach_error.hpp"

#include <string>

namespace compshare::detach {

namespace error_type {
// The instance is neither Running nor Stopped (error.retryable while it is on its way to one).
inline constexpr const char* instance_not_ready = "InstanceNotReady";
}  // namespace error_type

// UDisk product codes (reference §4); whether Compshare passes them through is unknown, so each
// is also handled by the re-read that follows an answer the action does not expect.
namespace ret_code {
inline constexpr int disk_attaching = 17026;      // "disk attaching, detach or retry later"
inline constexpr int disk_not_found = 17041;      // "UDisk ID does not exist"
inline constexpr int attach_in_progress = 17056;  // "attach in progress"
inline constexpr int already_attached = 17057;    // "already attached"
}  // namespace ret_code

// True for the states an instance passes through on its way to Running or Stopped.
bool is_transitional_state(const std::string& state);

// True when an attach answer means "an attach of this disk is already being carried out".
bool is_attach_in_progress(const api_failure& failure);

// What the caller should do next, for people (attach_sent: the attach may have been sent).
std::string attach_hint_for(const error_info& error, bool attach_sent);
std::string status_hint_for(const error_info& error);

}  // namespace compshare::detach
