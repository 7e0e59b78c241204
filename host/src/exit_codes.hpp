// The host's exit codes and the one place that decides them: from the host's cancellation, the
// ABI status, and the class that the plugin's manifest declares for the result's error.type.
// The host knows no plugin's error types; its own (Usage, PluginNotFound, ...) are listed here.
#pragma once

#include "manifest.hpp"

#include <actionhost/plugin_api.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace actionhost::core {

// Stable exit codes, documented in `actionhost --help` and the README.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;       // anything else (class internal)
inline constexpr int usage = 2;         // invalid parameters or usage (class usage)
inline constexpr int credentials = 3;   // credentials or authentication (class credentials)
inline constexpr int precondition = 4;  // a precondition was not met (class precondition)
inline constexpr int remote = 5;        // the remote API refused (class remote)
inline constexpr int transient = 6;     // a retry may succeed (class transient)
inline constexpr int timeout = 7;       // timed out (class timeout, and --timeout)
inline constexpr int plugin = 8;        // plugin not found, failed to load or incompatible
inline constexpr int output_lost = 9;   // the result could not be written to stdout
inline constexpr int sighup = 129;      // cancelled by SIGHUP
inline constexpr int sigint = 130;      // cancelled by SIGINT
inline constexpr int sigterm = 143;     // cancelled by SIGTERM
}  // namespace exit_code

// Error types the host itself reports.
namespace error_type {
inline constexpr std::string_view usage = "Usage";
inline constexpr std::string_view invalid_parameter = "InvalidParameter";
inline constexpr std::string_view invalid_config = "InvalidConfig";
inline constexpr std::string_view unknown_action = "UnknownAction";
inline constexpr std::string_view plugin_not_found = "PluginNotFound";
inline constexpr std::string_view plugin_load_failed = "PluginLoadFailed";
inline constexpr std::string_view plugin_incompatible = "PluginIncompatible";
inline constexpr std::string_view instance_create_failed = "InstanceCreateFailed";
inline constexpr std::string_view cancelled = "Cancelled";
inline constexpr std::string_view timeout = "Timeout";  // --timeout passed
inline constexpr std::string_view internal = "InternalError";
}  // namespace error_type

// Why the host cancelled an invocation (if it did).
enum class cancel_reason { none, timeout, sigint, sigterm, sighup };

// The reason for a signal the host watches (SIGINT, SIGTERM, SIGHUP).
cancel_reason cancel_reason_for_signal(int signo);

// "--timeout", "SIGINT", "SIGTERM", "SIGHUP" ("" for none).
const char* cancel_reason_name(cancel_reason reason);

// Exit code of a host cancellation (7, 130, 143, 129); 0 for none.
int exit_code_for_cancel(cancel_reason reason);

// Exit code of a declared error class. `cancelled` takes the code of the host's reason, and is 1
// when the host did not cancel (someone else did, or the plugin gave up by itself).
int exit_code_for_class(error_class kind, cancel_reason reason = cancel_reason::none);

// Exit code of a status alone (for a failed result without a usable error.type).
int exit_code_for_status(ah_status status);

// Whether a status a plugin returned, read as an integer, is one of ah_status's values.
bool is_known_status(std::int32_t status);

// Exit code of one of the host's own error types; 1 for any other.
int exit_code_for_host_error(std::string_view type);

// Name of a status ("AH_ERROR"); a value outside the enum is named by its number.
std::string status_name(std::int32_t status);

// The exit-code table for people (used by --help).
std::string exit_code_help();

}  // namespace actionhost::core
