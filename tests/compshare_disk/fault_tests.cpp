// Every emulator fault mode at each phase of the detach (precheck, the detach itself with the
// fault applied before and after the emulator processed it, a poll): the run is either retried
// to success or classified as documented, and the emulator never accepts two detaches.
#include "scenario_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

struct fault_case {
    const char* name;
    std::string fault;     // the fault document, without "action"
    const char* outcome;   // "detached", or the expected error.type
    bool retried = false;  // the client must have retried
};

const char* detach = "DetachCompshareDisk";
const char* describe = "DescribeCompShareInstance";

// A short request timeout for the delay rows; nothing else waits on it.
const std::string timeout_config = R"("timeout_seconds":1)";
const std::string delay_fault = R"("mode":"delay","delay_ms":2500)";

std::string http(int status) {
    return R"("mode":"http_status","status":)" + std::to_string(status);
}

std::string ret(int code) {
    return R"("mode":"ret_code","ret_code":)" + std::to_string(code) + R"(,"message":"injected")";
}

void run_case(const fault_case& c, const std::string& action, const std::string& apply,
              const std::string& params_extra, int detach_delay_ms = 0) {
    DYNAMIC_SECTION(c.name) {
        server emu(emulator_options("", detach_delay_ms));
        std::string fault = "{\"action\":\"" + action + "\"," + c.fault;
        if (!apply.empty())
            fault += ",\"apply\":\"" + apply + "\"";
        emu.add_fault(fault + "}");
        plugin_instance plugin(plugin_config(emu, timeout_config));
        const auto r = plugin.invoke(detach_params(stopped_host, data1, params_extra));
        INFO(fault << "\n" << r.json << "\n" << plugin.transcript());
        REQUIRE(r.result);
        const bool ok = r.result->getValue<bool>("ok");
        CHECK(ok == (r.status == AH_OK));
        if (std::string(c.outcome) == "detached") {
            CHECK(r.status == AH_OK);
            CHECK(r.status_text() == "detached");
        } else {
            CHECK_FALSE(ok);
            CHECK(r.error_type() == c.outcome);
        }
        if (c.retried) {
            CHECK(r.result->getObject("timing")->getValue<int>("retries") >= 1);
            CHECK_FALSE(plugin.events_named("retry").empty());
        }
        CHECK(emu.accepted(detach) <= 1);
        if (ok)
            CHECK(emu.accepted(detach) == 1);
        CHECK(plugin.transcript().find(compshare_emulator::default_private_key) ==
              std::string::npos);
    }
}

}  // namespace

TEST_CASE("compshare_disk faults: at the precheck", "[faults]") {
    const std::vector<fault_case> cases = {
        {"HTTP 429 is retried", http(429), "detached", true},
        {"HTTP 500 is Transient", http(500), "Transient"},
        {"HTTP 502 is retried", http(502), "detached", true},
        {"HTTP 503 is retried", http(503), "detached", true},
        {"HTTP 504 is retried", http(504), "detached", true},
        {"a reset is retried", R"("mode":"reset")", "detached", true},
        {"a delay past the timeout is retried", delay_fault, "detached", true},
        {"a malformed body is Transient", R"("mode":"malformed_json")", "Transient"},
        {"an empty body is Transient", R"("mode":"empty_body")", "Transient"},
        {"RetCode 150 is retried", ret(150), "detached", true},
        {"RetCode 153 is retried", ret(153), "detached", true},
        {"RetCode 110 is retried for a read", ret(110), "detached", true},
        {"RetCode 171 is AuthFailed", ret(171), "AuthFailed"},
        {"RetCode 172 is AuthFailed", ret(172), "AuthFailed"},
        {"RetCode 8433 (contact support) is ApiError", ret(8433), "ApiError"},
        {"RetCode 226601 is ApiError", ret(226601), "ApiError"},
        {"a string RetCode is understood", R"("mode":"string_ret_code")", "detached"},
    };
    for (const auto& c : cases)
        run_case(c, describe, "", "");
}

TEST_CASE("compshare_disk faults: at the detach, before it is processed", "[faults]") {
    const std::vector<fault_case> cases = {
        {"HTTP 429 is retried", http(429), "detached", true},
        {"HTTP 500: re-read, still attached, sent again", http(500), "detached"},
        {"HTTP 502: re-read, sent again", http(502), "detached"},
        {"HTTP 503: re-read, sent again", http(503), "detached"},
        {"HTTP 504: re-read, sent again", http(504), "detached"},
        {"a reset: re-read, sent again", R"("mode":"reset")", "detached"},
        {"a delay past the timeout: re-read first", delay_fault, "detached"},
        {"a malformed body: re-read, sent again", R"("mode":"malformed_json")", "detached"},
        {"an empty body: re-read, sent again", R"("mode":"empty_body")", "detached"},
        {"RetCode 150 is retried", ret(150), "detached", true},
        {"RetCode 153 is retried", ret(153), "detached", true},
        {"RetCode 110: re-read, sent again", ret(110), "detached"},
        {"RetCode 171 is AuthFailed", ret(171), "AuthFailed"},
        {"RetCode 230 is ApiError", ret(230), "ApiError"},
        // "In progress" means accepted: never sent again. Here nothing really runs, so the
        // wait times out.
        {"RetCode 17061 is accepted, never sent again", ret(17061), "WaitTimeout"},
        {"RetCode 8434 is accepted, never sent again", ret(8434), "WaitTimeout"},
        {"a string RetCode is understood", R"("mode":"string_ret_code")", "detached"},
    };
    for (const auto& c : cases)
        run_case(c, detach, "before", R"("WaitTimeoutSeconds":1.5)");
}

TEST_CASE("compshare_disk faults: at the detach, after it was processed", "[faults]") {
    const std::vector<fault_case> cases = {
        {"HTTP 429 after processing", http(429), "detached"},
        {"HTTP 500 after processing", http(500), "detached"},
        {"HTTP 502 after processing", http(502), "detached"},
        {"HTTP 503 after processing", http(503), "detached"},
        {"HTTP 504 after processing", http(504), "detached"},
        {"a reset after processing", R"("mode":"reset")", "detached"},
        {"a malformed body after processing", R"("mode":"malformed_json")", "detached"},
        {"an empty body after processing", R"("mode":"empty_body")", "detached"},
        {"RetCode 150 after processing", ret(150), "detached"},
        {"RetCode 110 after processing", ret(110), "detached"},
    };
    SECTION("the disk is gone at once") {
        for (const auto& c : cases)
            run_case(c, detach, "after", "");
    }
    SECTION("the disk is still detaching when re-read") {
        for (const auto& c : cases)
            run_case(c, detach, "after", "", 300);
    }
}

TEST_CASE("compshare_disk faults: at a poll", "[faults]") {
    // Without the precheck, the first DescribeCompShareInstance is the first poll.
    const std::string params = R"("Precheck":false,"Device":"/dev/vdb","WaitTimeoutSeconds":5)";
    const std::vector<fault_case> cases = {
        {"HTTP 429 is retried", http(429), "detached", true},
        {"HTTP 500: the poll fails, polling goes on", http(500), "detached"},
        {"HTTP 502 is retried", http(502), "detached", true},
        {"HTTP 503 is retried", http(503), "detached", true},
        {"HTTP 504 is retried", http(504), "detached", true},
        {"a reset is retried", R"("mode":"reset")", "detached", true},
        {"a delay past the timeout is retried", delay_fault, "detached", true},
        {"a malformed body: polling goes on", R"("mode":"malformed_json")", "detached"},
        {"an empty body: polling goes on", R"("mode":"empty_body")", "detached"},
        {"RetCode 150 is retried", ret(150), "detached", true},
        {"RetCode 8433 (contact support) ends the wait as ApiError", ret(8433), "ApiError"},
        {"RetCode 171 is AuthFailed", ret(171), "AuthFailed"},
        {"RetCode 226601 is ApiError", ret(226601), "ApiError"},
        {"a string RetCode is understood", R"("mode":"string_ret_code")", "detached"},
    };
    for (const auto& c : cases)
        run_case(c, describe, "", params);
}

TEST_CASE("compshare_disk faults: a failure after the request keeps changed and detach_sent",
          "[faults]") {
    server emu(emulator_options());
    emu.add_fault(R"({"action":"DescribeCompShareInstance","mode":"ret_code","ret_code":171})");
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(
        detach_params(stopped_host, data1, R"("Precheck":false,"Device":"/dev/vdb")"));
    INFO(r.json);
    CHECK(r.error_type() == "AuthFailed");
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.result->getValue<bool>("detach_sent"));
    CHECK(r.status_text() == "detach_requested");
}

TEST_CASE("compshare_disk faults: polls failing until the deadline end in WaitTimeout",
          "[faults]") {
    server emu(emulator_options());
    emu.add_fault(
        R"({"action":"DescribeCompShareInstance","mode":"http_status","status":500,"times":1000})");
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(
        stopped_host, data1, R"("Precheck":false,"Device":"/dev/vdb","WaitTimeoutSeconds":0.4)"));
    INFO(r.json);
    CHECK(r.status == AH_TIMEOUT);
    CHECK(r.error_type() == "WaitTimeout");
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains("last poll failure"));
    CHECK_FALSE(plugin.events_named("poll_failed").empty());
    CHECK(emu.accepted(detach) == 1);
}

TEST_CASE("compshare_disk faults: a slow poll does not stretch the wait past its deadline",
          "[faults]") {
    server emu(emulator_options());
    // Every poll answered after 20 s; the configured request timeout alone would wait 30 s.
    emu.add_fault(
        R"({"action":"DescribeCompShareInstance","mode":"delay","delay_ms":20000,"times":1000})");
    plugin_instance plugin(plugin_config(emu, R"("timeout_seconds": 30)"));
    const auto started = std::chrono::steady_clock::now();
    const auto r = plugin.invoke(detach_params(
        stopped_host, data1, R"("Precheck":false,"Device":"/dev/vdb","WaitTimeoutSeconds":0.5)"));
    INFO(r.json);
    CHECK(r.status == AH_TIMEOUT);
    CHECK(r.error_type() == "WaitTimeout");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    CHECK(emu.accepted(detach) == 1);
}

TEST_CASE("compshare_disk faults: an unconfirmed detach is re-sent at most max_retries times",
          "[faults]") {
    server emu(emulator_options());
    // Every detach answered 503 before processing: re-read, still attached, sent again...
    emu.add_fault(
        R"({"action":"DetachCompshareDisk","mode":"http_status","status":503,"times":1000})");
    plugin_instance plugin(plugin_config(emu, R"("max_retries":2)"));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK(r.error_type() == "Transient");
    CHECK(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK(emu.count(detach) == 3);  // the first send and two re-sends
    CHECK(emu.accepted(detach) == 0);
    CHECK(plugin.events_named("detach_resend").size() == 2);
}
