#include "exit_codes.hpp"

#include <catch2/catch.hpp>

using namespace actionhost::core;

TEST_CASE("host exit codes: error types map to the documented codes", "[host][exit_codes]") {
    const std::pair<const char*, int> table[] = {
        {"InvalidParameter", 2},
        {"UnknownAction", 2},
        {"Usage", 2},
        {"InvalidConfig", 2},
        {"CredentialsMissing", 3},
        {"AuthFailed", 3},
        {"InstanceNotFound", 4},
        {"SystemDiskNotDetachable", 4},
        {"InstanceNotStopped", 4},
        {"DiskNotFound", 4},
        {"ApiError", 5},
        {"AccountInArrears", 5},
        {"InstanceExpired", 5},
        {"Transient", 6},
        {"WaitTimeout", 7},
        {"PluginNotFound", 8},
        {"PluginLoadFailed", 8},
        {"PluginIncompatible", 8},
        {"InternalError", 1},
        {"InstanceCreateFailed", 1},
    };
    for (const auto& [type, code] : table) {
        INFO(type);
        CHECK(exit_code_for_type(type) == code);
        CHECK(exit_code_for(AH_ERROR, type, cancel_reason::none) == code);
    }
    CHECK(exit_code_for_type("NoSuchType") == -1);
}

TEST_CASE("host exit codes: status decides when the type is unknown", "[host][exit_codes]") {
    CHECK(exit_code_for(AH_OK, "", cancel_reason::none) == 0);
    CHECK(exit_code_for(AH_OK, "ApiError", cancel_reason::none) == 0);  // the status is the signal
    CHECK(exit_code_for(AH_ERROR, "Whatever", cancel_reason::none) == 1);
    CHECK(exit_code_for(AH_INVALID_ARGUMENT, "", cancel_reason::none) == 2);
    CHECK(exit_code_for(AH_UNKNOWN_ACTION, "", cancel_reason::none) == 2);
    CHECK(exit_code_for(AH_TIMEOUT, "", cancel_reason::none) == 7);
    CHECK(exit_code_for(AH_UNSUPPORTED, "", cancel_reason::none) == 1);
    CHECK(exit_code_for(static_cast<ah_status>(99), "", cancel_reason::none) == 1);
}

TEST_CASE("host exit codes: the host's cancellation overrides the outcome", "[host][exit_codes]") {
    CHECK(exit_code_for(AH_CANCELLED, "Cancelled", cancel_reason::timeout) == 7);
    CHECK(exit_code_for(AH_CANCELLED, "Cancelled", cancel_reason::sigint) == 130);
    CHECK(exit_code_for(AH_CANCELLED, "Cancelled", cancel_reason::sigterm) == 143);
    CHECK(exit_code_for(AH_OK, "", cancel_reason::sigterm) == 143);
}

TEST_CASE("host exit codes: the help text lists every code", "[host][exit_codes]") {
    const std::string help = exit_code_help();
    for (const char* code : {"  0 ", "  1 ", "  2 ", "  3 ", "  4 ", "  5 ", "  6 ", "  7 ", "  8 ",
                             "  130 ", "  143 "}) {
        INFO(code);
        CHECK(help.find(code) != std::string::npos);
    }
    CHECK(status_name(AH_CANCELLED) == std::string("AH_CANCELLED"));
}
