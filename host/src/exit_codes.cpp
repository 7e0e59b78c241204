#include "exit_codes.hpp"

#include <array>
#include <sstream>
#include <utility>

namespace actionhost::core {
namespace {

struct type_entry {
    std::string_view type;
    int code;
};

// error.type → exit code: the plugins' documented types and the host's own.
constexpr std::array<type_entry, 22> type_table{{
    {error_type::usage, exit_code::usage},
    {error_type::invalid_parameter, exit_code::usage},
    {error_type::invalid_config, exit_code::usage},
    {error_type::unknown_action, exit_code::usage},
    {"CredentialsMissing", exit_code::credentials},
    {"AuthFailed", exit_code::credentials},
    {"InstanceNotFound", exit_code::precondition},
    {"SystemDiskNotDetachable", exit_code::precondition},
    {"InstanceNotStopped", exit_code::precondition},
    {"DiskNotFound", exit_code::precondition},
    {"ApiError", exit_code::api_error},
    {"AccountInArrears", exit_code::api_error},
    {"InstanceExpired", exit_code::api_error},
    {"Transient", exit_code::transient},
    {"WaitTimeout", exit_code::timeout},
    {"Timeout", exit_code::timeout},
    {error_type::plugin_not_found, exit_code::plugin},
    {error_type::plugin_load_failed, exit_code::plugin},
    {error_type::plugin_incompatible, exit_code::plugin},
    {error_type::instance_create_failed, exit_code::failure},
    {error_type::internal, exit_code::failure},
    {"Cancelled", exit_code::failure},
}};

struct status_entry {
    ah_status status;
    const char* name;
    int code;
};

constexpr std::array<status_entry, 7> status_table{{
    {AH_OK, "AH_OK", exit_code::ok},
    {AH_ERROR, "AH_ERROR", exit_code::failure},
    {AH_INVALID_ARGUMENT, "AH_INVALID_ARGUMENT", exit_code::usage},
    {AH_UNKNOWN_ACTION, "AH_UNKNOWN_ACTION", exit_code::usage},
    {AH_CANCELLED, "AH_CANCELLED", exit_code::failure},  // the host's reason decides, see below
    {AH_TIMEOUT, "AH_TIMEOUT", exit_code::timeout},
    {AH_UNSUPPORTED, "AH_UNSUPPORTED", exit_code::failure},
}};

}  // namespace

int exit_code_for_type(std::string_view type) {
    for (const auto& entry : type_table) {
        if (entry.type == type)
            return entry.code;
    }
    return -1;
}

int exit_code_for_status(ah_status status) {
    for (const auto& entry : status_table) {
        if (entry.status == status)
            return entry.code;
    }
    return exit_code::failure;
}

int exit_code_for(ah_status status, std::string_view error_type, cancel_reason reason) {
    switch (reason) {
        case cancel_reason::timeout:
            return exit_code::timeout;
        case cancel_reason::sigint:
            return exit_code::sigint;
        case cancel_reason::sigterm:
            return exit_code::sigterm;
        case cancel_reason::none:
            break;
    }
    if (status == AH_OK)
        return exit_code::ok;
    const int by_type = exit_code_for_type(error_type);
    return by_type >= 0 ? by_type : exit_code_for_status(status);
}

const char* status_name(ah_status status) {
    for (const auto& entry : status_table) {
        if (entry.status == status)
            return entry.name;
    }
    return "AH_<unknown status>";
}

std::string exit_code_help() {
    std::ostringstream out;
    out << "Exit codes:\n";
    const std::pair<int, const char*> lines[] = {
        {exit_code::ok, "success (also a no-op or a dry run)"},
        {exit_code::failure, "any other failure"},
        {exit_code::usage, "invalid parameters or usage (InvalidParameter, UnknownAction, ...)"},
        {exit_code::credentials, "credentials or authentication (CredentialsMissing, AuthFailed)"},
        {exit_code::precondition,
         "precondition not met (InstanceNotFound, InstanceNotStopped, DiskNotFound, ...)"},
        {exit_code::api_error, "remote API error (ApiError, AccountInArrears, InstanceExpired)"},
        {exit_code::transient, "transient failure, a retry may succeed (Transient)"},
        {exit_code::timeout, "timed out waiting (WaitTimeout, or --timeout passed)"},
        {exit_code::plugin, "plugin not found, failed to load or incompatible"},
        {exit_code::sigint, "cancelled by SIGINT"},
        {exit_code::sigterm, "cancelled by SIGTERM"},
    };
    for (const auto& [code, text] : lines) {
        out << "  " << code << (code < 10 ? "    " : "  ") << text << '\n';
    }
    return out.str();
}

}  // namespace actionhost::core
