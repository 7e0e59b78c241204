#include "exit_codes.hpp"

#include <signal.h>

#include <array>
#include <sstream>
#include <utility>

namespace actionhost::core {
namespace {

struct host_type_entry {
    std::string_view type;
    int code;
};

constexpr std::array<host_type_entry, 11> host_types{{
    {error_type::usage, exit_code::usage},
    {error_type::invalid_parameter, exit_code::usage},
    {error_type::invalid_config, exit_code::usage},
    {error_type::unknown_action, exit_code::usage},
    {error_type::plugin_not_found, exit_code::plugin},
    {error_type::plugin_load_failed, exit_code::plugin},
    {error_type::plugin_incompatible, exit_code::plugin},
    {error_type::instance_create_failed, exit_code::failure},
    {error_type::cancelled, exit_code::failure},
    {error_type::timeout, exit_code::timeout},
    {error_type::internal, exit_code::failure},
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
    {AH_CANCELLED, "AH_CANCELLED", exit_code::failure},  // the host's reason decides
    {AH_TIMEOUT, "AH_TIMEOUT", exit_code::timeout},
    {AH_UNSUPPORTED, "AH_UNSUPPORTED", exit_code::failure},
}};

}  // namespace

cancel_reason cancel_reason_for_signal(int signo) {
    switch (signo) {
        case SIGINT:
            return cancel_reason::sigint;
        case SIGHUP:
            return cancel_reason::sighup;
        default:
            return cancel_reason::sigterm;
    }
}

const char* cancel_reason_name(cancel_reason reason) {
    switch (reason) {
        case cancel_reason::timeout:
            return "--timeout";
        case cancel_reason::sigint:
            return "SIGINT";
        case cancel_reason::sigterm:
            return "SIGTERM";
        case cancel_reason::sighup:
            return "SIGHUP";
        case cancel_reason::none:
            break;
    }
    return "";
}

int exit_code_for_cancel(cancel_reason reason) {
    switch (reason) {
        case cancel_reason::timeout:
            return exit_code::timeout;
        case cancel_reason::sigint:
            return exit_code::sigint;
        case cancel_reason::sigterm:
            return exit_code::sigterm;
        case cancel_reason::sighup:
            return exit_code::sighup;
        case cancel_reason::none:
            break;
    }
    return exit_code::ok;
}

int exit_code_for_class(error_class kind, cancel_reason reason) {
    switch (kind) {
        case error_class::usage:
            return exit_code::usage;
        case error_class::credentials:
            return exit_code::credentials;
        case error_class::precondition:
            return exit_code::precondition;
        case error_class::remote:
            return exit_code::remote;
        case error_class::transient:
            return exit_code::transient;
        case error_class::timeout:
            return exit_code::timeout;
        case error_class::cancelled:
            return reason == cancel_reason::none ? exit_code::failure
                                                 : exit_code_for_cancel(reason);
        case error_class::internal:
            break;
    }
    return exit_code::failure;
}

int exit_code_for_status(ah_status status) {
    for (const auto& entry : status_table) {
        if (entry.status == status)
            return entry.code;
    }
    return exit_code::failure;
}

int exit_code_for_host_error(std::string_view type) {
    for (const auto& entry : host_types) {
        if (entry.type == type)
            return entry.code;
    }
    return exit_code::failure;
}

bool is_known_status(std::int32_t status) {
    for (const auto& entry : status_table) {
        if (entry.status == status)
            return true;
    }
    return false;
}

std::string status_name(std::int32_t status) {
    for (const auto& entry : status_table) {
        if (entry.status == status)
            return entry.name;
    }
    return "status " + std::to_string(status) + " (not an ah_status value)";
}

std::string exit_code_help() {
    std::ostringstream out;
    out << "Exit codes (a plugin's error types count by the class its manifest declares for\n"
           "them; `actionhost describe PLUGIN` lists them):\n";
    const std::pair<int, const char*> lines[] = {
        {exit_code::ok, "success (also a no-op or a dry run)"},
        {exit_code::failure, "class internal, an undeclared error type, anything else"},
        {exit_code::usage, "class usage: invalid parameters or usage"},
        {exit_code::credentials, "class credentials: credentials or authentication"},
        {exit_code::precondition, "class precondition: a precondition was not met"},
        {exit_code::remote, "class remote: the remote API refused"},
        {exit_code::transient, "class transient: a retry may succeed"},
        {exit_code::timeout, "class timeout, or --timeout passed"},
        {exit_code::plugin, "plugin not found, failed to load or incompatible"},
        {exit_code::output_lost,
         "the result could not be written to stdout (the message on\n"
         "       stderr says what was lost)"},
        {exit_code::sighup, "cancelled by SIGHUP"},
        {exit_code::sigint, "cancelled by SIGINT"},
        {exit_code::sigterm, "cancelled by SIGTERM"},
    };
    for (const auto& [code, text] : lines) {
        out << "  " << code << (code < 10 ? "    " : "  ") << text << '\n';
    }
    return out.str();
}

}  // namespace actionhost::core
