// The one table that maps outcomes (error.type, ah_status, cancellation) to the host's exit codes.
#pragma once

#include <actionhost/plugin_api.h>

#include <string>
#include <string_view>

namespace actionhost::core {

// Stable exit codes, documented in `actionhost --help` and the README.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;       // anything else
inline constexpr int usage = 2;         // invalid parameters or usage
inline constexpr int credentials = 3;   // credentials or authentication
inline constexpr int precondition = 4;  // a precondition was not met
inline constexpr int api_error = 5;     // the remote API refused
inline constexpr int transient = 6;     // a retry may succeed
inline constexpr int timeout = 7;       // timed out waiting (--timeout included)
inline constexpr int plugin = 8;        // plugin not found, failed to load or incompatible
inline constexpr int sigint = 130;      // cancelled by SIGINT
inline constexpr int sigterm = 143;     // cancelled by SIGTERM
}  // namespace exit_code

// Error types the host itself reports (besides those plugins report).
namespace error_type {
inline constexpr std::string_view usage = "Usage";
inline constexpr std::string_view invalid_parameter = "InvalidParameter";
inline constexpr std::string_view invalid_config = "InvalidConfig";
inline constexpr std::string_view unknown_action = "UnknownAction";
inline constexpr std::string_view plugin_not_found = "PluginNotFound";
inline constexpr std::string_view plugin_load_failed = "PluginLoadFailed";
inline constexpr std::string_view plugin_incompatible = "PluginIncompatible";
inline constexpr std::string_view instance_create_failed = "InstanceCreateFailed";
inline constexpr std::string_view internal = "InternalError";
}  // namespace error_type

// Why the host cancelled an invocation (if it did).
enum class cancel_reason { none, timeout, sigint, sigterm };

// Exit code of an error type; -1 when the table does not know the type.
int exit_code_for_type(std::string_view type);

// Exit code of a status alone.
int exit_code_for_status(ah_status status);

// The exit code of one invocation: the host's cancellation decides first; then AH_OK is 0; then
// the result's error.type when the table knows it; then the status.
int exit_code_for(ah_status status, std::string_view error_type, cancel_reason reason);

// Name of a status ("AH_ERROR").
const char* status_name(ah_status status);

// The exit-code table for people (used by --help).
std::string exit_code_help();

}  // namespace actionhost::core
