// Fault injection: every mode, "before" and "after", times, matching, and invalid documents.
#include "emulator_client.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>
#include <utility>
#include <vector>

using emulator_test::call;
using emulator_test::disk_ids;
using emulator_test::param_map;

namespace {

const param_map describe = {{"Action", "DescribeCompShareInstance"}};
const param_map detach = {{"Action", "DetachCompshareDisk"},
                          {"Region", "cn-wlcb"},
                          {"UHostId", "uhost-emu-stopped"},
                          {"UDiskId", "udisk-emu-data1"},
                          {"Device", "/dev/vdb"}};

}  // namespace

TEST_CASE("emulator faults: HTTP status", "[emulator][faults]") {
    compshare_emulator::server server({});
    const std::vector<std::pair<int, std::string>> statuses = {{429, "Too Many Requests"},
                                                               {500, "Internal Server Error"},
                                                               {502, "Bad Gateway"},
                                                               {503, "Service Unavailable"},
                                                               {504, "Gateway Time-Out"}};
    for (const auto& [status, reason] : statuses) {
        server.add_fault(R"({"action":"*","mode":"http_status","status":)" +
                         std::to_string(status) + "}");
        auto answer = call(server.port(), describe);
        CHECK(answer.status == status);
        CHECK(answer.reason == reason);  // the status's own phrase, not a generic "OK"
        CHECK(answer.body == reason);
        CHECK_FALSE(answer.request_id.empty());
    }
    CHECK(call(server.port(), describe).status == 200);  // consumed
    CHECK(server.count("DescribeCompShareInstance") == 6);
    CHECK(server.accepted("DescribeCompShareInstance") == 1);
}

TEST_CASE("emulator faults: before (default) does not process, after does", "[emulator][faults]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    SECTION("before") {
        server.add_fault(R"({"action":"DetachCompshareDisk","mode":"http_status","status":503})");
        CHECK(call(port, detach).status == 503);
        CHECK(disk_ids(port, "uhost-emu-stopped").find("udisk-emu-data1") != std::string::npos);
        CHECK(server.accepted("DetachCompshareDisk") == 0);
        CHECK(server.count("DetachCompshareDisk") == 1);
    }
    SECTION("after: the detach happened but the answer was lost") {
        server.add_fault(
            R"({"action":"DetachCompshareDisk","mode":"http_status","status":502,"apply":"after"})");
        CHECK(call(port, detach).status == 502);
        CHECK(disk_ids(port, "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data2");
        CHECK(server.accepted("DetachCompshareDisk") == 1);
        CHECK(server.requests_json().find(
                  R"("ret_code":0,"fault":{"action":"DetachCompshareDisk")") != std::string::npos);
    }
    SECTION("after + reset") {
        server.add_fault(R"({"action":"DetachCompshareDisk","mode":"reset","apply":"after"})");
        CHECK_THROWS_AS(call(port, detach), Poco::Exception);
        CHECK(server.accepted("DetachCompshareDisk") == 1);
        CHECK(call(port, detach).ret_code() == 8043);
    }
}

TEST_CASE("emulator faults: reset closes the connection without a response", "[emulator][faults]") {
    compshare_emulator::server server({});
    server.add_fault(R"({"action":"*","mode":"reset"})");
    CHECK_THROWS_AS(call(server.port(), describe), Poco::Net::NetException);
    CHECK(call(server.port(), describe).ret_code() == 0);
    CHECK(server.count("DescribeCompShareInstance") == 2);
}

TEST_CASE("emulator faults: delay, then a normal answer", "[emulator][faults]") {
    compshare_emulator::server server({});
    server.add_fault(R"({"action":"*","mode":"delay","delay_ms":300})");
    const auto start = std::chrono::steady_clock::now();
    CHECK(call(server.port(), describe).ret_code() == 0);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
    const auto second = std::chrono::steady_clock::now();
    CHECK(call(server.port(), describe).ret_code() == 0);
    CHECK(std::chrono::steady_clock::now() - second < std::chrono::milliseconds(300));
}

TEST_CASE("emulator faults: stop() cuts an injected delay short", "[emulator][faults]") {
    compshare_emulator::server server({});
    server.add_fault(R"({"action":"*","mode":"delay","delay_ms":600000})");
    const auto start = std::chrono::steady_clock::now();
    int ret_code = -1;
    std::thread client([&] { ret_code = call(server.port(), describe).ret_code(); });
    // The fault leaves the queue when the request takes it: then the request is in its delay.
    while (server.faults_json() != R"({"faults":[]})") {
        REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
        std::this_thread::yield();
    }
    server.stop();
    client.join();
    CHECK(ret_code == 0);  // the in-flight request was finished, not dropped
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("emulator faults: body modes", "[emulator][faults]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    SECTION("malformed_json") {
        server.add_fault(R"({"action":"*","mode":"malformed_json"})");
        auto answer = call(port, describe);
        CHECK(answer.status == 200);
        CHECK(answer.content_type == "application/json");
        CHECK_FALSE(answer.body.empty());
        CHECK_THROWS(Poco::JSON::Parser().parse(answer.body));
    }
    SECTION("empty_body") {
        server.add_fault(R"({"action":"*","mode":"empty_body"})");
        auto answer = call(port, describe);
        CHECK(answer.status == 200);
        CHECK(answer.body.empty());
    }
    SECTION("ret_code with message") {
        server.add_fault(
            R"({"action":"DetachCompshareDisk","mode":"ret_code","ret_code":150,"message":"busy"})");
        auto answer = call(port, detach);
        CHECK(answer.body ==
              R"({"Action":"DetachCompshareDiskResponse","RetCode":150,"Message":"busy"})");
        CHECK(server.accepted("DetachCompshareDisk") == 0);
        CHECK(disk_ids(port, "uhost-emu-stopped").find("udisk-emu-data1") != std::string::npos);
    }
    SECTION("ret_code 17061 after the detach was accepted") {
        server.add_fault(
            R"({"action":"DetachCompshareDisk","mode":"ret_code","ret_code":17061,"apply":"after"})");
        CHECK(call(port, detach).ret_code() == 17061);
        CHECK(server.accepted("DetachCompshareDisk") == 1);
    }
    SECTION("string_ret_code: normal processing, RetCode as a string") {
        server.add_fault(R"({"action":"DetachCompshareDisk","mode":"string_ret_code"})");
        auto answer = call(port, detach);
        CHECK(answer.body == R"({"Action":"DetachCompshareDiskResponse","RetCode":"0"})");
        CHECK(server.accepted("DetachCompshareDisk") == 1);
        server.add_fault(R"({"action":"DetachCompshareDisk","mode":"string_ret_code"})");
        CHECK(call(port, detach).body.find(R"("RetCode":"8043")") != std::string::npos);
    }
    SECTION("body: a canned reply, verbatim, and nothing processed") {
        server.add_fault(
            R"({"action":"DetachCompshareDisk","mode":"body","body":"{\"RetCode\":0,\"X\":1}"})");
        auto answer = call(port, detach);
        CHECK(answer.status == 200);
        CHECK(answer.content_type == "application/json");
        CHECK(answer.body == R"({"RetCode":0,"X":1})");
        CHECK_FALSE(answer.request_id.empty());
        CHECK(server.accepted("DetachCompshareDisk") == 0);
        CHECK(disk_ids(port, "uhost-emu-stopped").find("udisk-emu-data1") != std::string::npos);
    }
}

TEST_CASE("emulator faults: matching, order, times, clear", "[emulator][faults]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    server.add_fault(
        R"([{"action":"DetachCompshareDisk","mode":"http_status","status":500,"times":2},
                        {"action":"*","mode":"http_status","status":429}])");
    CHECK(call(port, describe).status == 429);  // only "*" matches Describe
    CHECK(call(port, describe).status == 200);
    CHECK(call(port, detach).status == 500);
    CHECK(call(port, detach).status == 500);
    CHECK(call(port, detach).status == 200);

    server.add_fault(R"({"action":"*","mode":"http_status","status":503,"times":5})");
    auto listed = emulator_test::request(port, "GET", "/_emulator/faults");
    CHECK(listed.body.find(R"("times":5)") != std::string::npos);
    CHECK(listed.body == server.faults_json());
    server.clear_faults();
    CHECK(call(port, describe).status == 200);

    // Over HTTP: POST adds, DELETE clears.
    auto added = emulator_test::request(port, "POST", "/_emulator/faults", "application/json",
                                        R"({"action":"*","mode":"empty_body"})");
    CHECK(added.status == 200);
    CHECK(emulator_test::request(port, "DELETE", "/_emulator/faults").body == R"({"faults":[]})");
    CHECK(call(port, describe).ret_code() == 0);
}

TEST_CASE("emulator faults: invalid fault documents are refused", "[emulator][faults]") {
    compshare_emulator::server server({});
    const char* invalid[] = {
        "not json",
        "42",
        R"({"mode":"reset"})",
        R"({"action":"","mode":"reset"})",
        R"({"action":"*"})",
        R"({"action":"*","mode":"explode"})",
        R"({"action":"*","mode":"http_status"})",
        R"({"action":"*","mode":"http_status","status":200})",
        R"({"action":"*","mode":"http_status","status":"503"})",
        R"({"action":"*","mode":"delay"})",
        R"({"action":"*","mode":"delay","delay_ms":-1})",
        R"({"action":"*","mode":"ret_code"})",
        R"({"action":"*","mode":"body"})",
        R"({"action":"*","mode":"body","body":7})",
        R"({"action":"*","mode":"reset","times":0})",
        R"({"action":"*","mode":"reset","apply":"during"})",
        R"({"action":"*","mode":"reset","colour":"red"})",
        R"([{"action":"*","mode":"reset"}, 3])",
    };
    for (const char* document : invalid) {
        INFO(document);
        CHECK_THROWS_AS(server.add_fault(document), compshare_emulator::emulator_error);
        auto answer = emulator_test::request(server.port(), "POST", "/_emulator/faults",
                                             "application/json", document);
        CHECK(answer.status == 400);
        CHECK(answer.json()->has("error"));
    }
    CHECK(emulator_test::request(server.port(), "GET", "/_emulator/faults").body ==
          R"({"faults":[]})");
}
