// Exit codes: the host's own error types, the classes a plugin declares, and the order in which
// cancellation, status and error.type decide.
#include "exit_codes.hpp"
#include "invocation.hpp"
#include "manifest.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

using namespace actionhost::core;

TEST_CASE("host exit codes: the host's own error types", "[host][exit_codes]") {
    const std::pair<std::string_view, int> table[] = {
        {error_type::usage, 2},
        {error_type::invalid_parameter, 2},
        {error_type::invalid_config, 2},
        {error_type::unknown_action, 2},
        {error_type::plugin_not_found, 8},
        {error_type::plugin_load_failed, 8},
        {error_type::plugin_incompatible, 8},
        {error_type::instance_create_failed, 1},
        {error_type::cancelled, 1},
        {error_type::internal, 1},
    };
    for (const auto& [type, code] : table) {
        INFO(type);
        CHECK(exit_code_for_host_error(type) == code);
    }
    CHECK(exit_code_for_host_error("ApiError") == 1);  // a plugin's type means nothing here
}

TEST_CASE("host exit codes: each declared class has its code", "[host][exit_codes]") {
    const std::pair<error_class, int> table[] = {
        {error_class::usage, 2},    {error_class::credentials, 3}, {error_class::precondition, 4},
        {error_class::remote, 5},   {error_class::transient, 6},   {error_class::timeout, 7},
        {error_class::internal, 1}, {error_class::cancelled, 1},
    };
    for (const auto& [kind, code] : table) {
        INFO(error_class_name(kind));
        CHECK(exit_code_for_class(kind) == code);
        CHECK(error_class_from_name(error_class_name(kind)) == kind);
    }
    CHECK_FALSE(error_class_from_name("fatal").has_value());
    // A cancellation takes the code of the host's reason.
    CHECK(exit_code_for_class(error_class::cancelled, cancel_reason::sigint) == 130);
    CHECK(exit_code_for_class(error_class::cancelled, cancel_reason::sigterm) == 143);
    CHECK(exit_code_for_class(error_class::cancelled, cancel_reason::sighup) == 129);
    CHECK(exit_code_for_class(error_class::cancelled, cancel_reason::timeout) == 7);
    CHECK(cancel_reason_for_signal(SIGHUP) == cancel_reason::sighup);
    CHECK(exit_code_for_signal(SIGINT) == 130);
}

TEST_CASE("host exit codes: a result is judged by its plugin's declarations",
          "[host][exit_codes]") {
    const manifest m = parse_manifest(test_support::manifest_json("p"), "/p.json");
    const auto judged = [&](ah_status status, const std::string& json,
                            cancel_reason reason = cancel_reason::none) {
        return judge({status, json, "message"}, reason, m);
    };
    const std::string failed = R"({"ok":false,"error":{"type":"NoopFailed"}})";
    CHECK(judged(AH_ERROR, failed).exit_code == 5);
    CHECK(judged(AH_ERROR, failed).undeclared_type.empty());
    CHECK(judged(AH_OK, failed).exit_code == 0);  // the status is the one success signal

    const auto undeclared = judged(AH_ERROR, R"({"ok":false,"error":{"type":"ApiError"}})");
    CHECK(undeclared.exit_code == 1);
    CHECK(undeclared.undeclared_type == "ApiError");

    // Without a usable error.type, the status decides.
    CHECK(judged(AH_INVALID_ARGUMENT, R"({"ok":false})").exit_code == 2);
    CHECK(judged(AH_UNKNOWN_ACTION, "not json").exit_code == 2);
    CHECK(judged(AH_TIMEOUT, R"({"ok":false})").exit_code == 7);
    CHECK(judged(AH_UNSUPPORTED, R"({"ok":false})").exit_code == 1);
    CHECK(judged(static_cast<ah_status>(7), R"({"ok":false})").exit_code == 1);

    // The host's cancellation decides first.
    CHECK(judged(AH_ERROR, failed, cancel_reason::timeout).exit_code == 7);
    CHECK(judged(AH_CANCELLED, failed, cancel_reason::sigint).exit_code == 130);
    CHECK(judged(AH_OK, "{}", cancel_reason::sigterm).exit_code == 143);
}

TEST_CASE("host exit codes: the help text lists every code", "[host][exit_codes]") {
    const std::string help = exit_code_help();
    for (const char* code : {"  0 ", "  1 ", "  2 ", "  3 ", "  4 ", "  5 ", "  6 ", "  7 ", "  8 ",
                             "  129 ", "  130 ", "  143 "}) {
        INFO(code);
        CHECK(help.find(code) != std::string::npos);
    }
    CHECK(status_name(AH_CANCELLED) == std::string("AH_CANCELLED"));
}

TEST_CASE("host exit codes: a status outside ah_status is named by its number",
          "[host][exit_codes]") {
    CHECK(is_known_status(AH_OK));
    CHECK(is_known_status(AH_UNSUPPORTED));
    CHECK_FALSE(is_known_status(77));
    CHECK_FALSE(is_known_status(-1));
    CHECK(status_name(77) == "status 77 (not an ah_status value)");
}
