// DetachCompshareDisk: every documented rule with its RetCode, and the detach-in-progress window.
#include "emulator_client.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using emulator_test::call;
using emulator_test::disk_ids;
using emulator_test::param_map;

namespace {

param_map detach(const std::string& host, const std::string& disk, const std::string& device) {
    return {{"Action", "DetachCompshareDisk"},
            {"Region", "cn-wlcb"},
            {"Zone", "cn-wlcb-01"},
            {"UHostId", host},
            {"UDiskId", disk},
            {"Device", device}};
}

Poco::JSON::Array::Ptr free_disks_of(const compshare_emulator::server& server) {
    Poco::JSON::Parser parser;
    return parser.parse(server.state_json()).extract<Poco::JSON::Object::Ptr>()->getArray("Disks");
}

void check_error(const emulator_test::reply& answer, int code, const std::string& fragment) {
    INFO(answer.body);
    CHECK(answer.status == 200);
    CHECK(answer.ret_code() == code);
    CHECK(answer.json()->getValue<std::string>("Action") == "DetachCompshareDiskResponse");
    CHECK(answer.json()->getValue<std::string>("Message").find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("emulator detach: success removes the disk", "[emulator][detach]") {
    compshare_emulator::server server({});
    auto answer = call(server.port(), detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb"));
    CHECK(answer.body == R"({"Action":"DetachCompshareDiskResponse","RetCode":0})");
    CHECK(disk_ids(server.port(), "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data2");
    CHECK(server.count("DetachCompshareDisk") == 1);
    CHECK(server.accepted("DetachCompshareDisk") == 1);
    // The disk now is a free disk of the state, in the instance's zone.
    auto free_disks = free_disks_of(server);
    REQUIRE(free_disks->size() == 1);
    CHECK(free_disks->getObject(0)->getValue<std::string>("DiskId") == "udisk-emu-data1");
    CHECK(free_disks->getObject(0)->getValue<std::string>("Zone") == "cn-wlcb-01");
    CHECK_FALSE(free_disks->getObject(0)->has("Drive"));

    SECTION("again: the disk is no longer attached") {
        check_error(call(server.port(), detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")),
                    8043, "not attached to UHost [uhost-emu-stopped]");
        CHECK(server.accepted("DetachCompshareDisk") == 1);
    }
    SECTION("Zone is optional, HostId is accepted for UHostId") {
        param_map params = detach("", "udisk-emu-data2", "/dev/vdc");
        params.erase("UHostId");
        params.erase("Zone");
        params["HostId"] = "uhost-emu-stopped";
        CHECK(call(server.port(), params).ret_code() == 0);
        CHECK(disk_ids(server.port(), "uhost-emu-stopped") == "bsd-emu-system");
    }
}

TEST_CASE("emulator detach: each rule has its RetCode", "[emulator][detach]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    for (const char* name : {"Region", "UHostId", "UDiskId", "Device"}) {
        param_map params = detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb");
        params.erase(name);
        check_error(call(port, params), 230, std::string("Params [") + name + "] not available");
    }
    check_error(call(port, detach("uhost-nope", "udisk-emu-data1", "/dev/vdb")), 8040,
                "UHost [uhost-nope] does not exist");
    param_map other_region = detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb");
    other_region["Region"] = "cn-sh2";
    check_error(call(port, other_region), 8040, "does not exist");
    param_map other_zone = detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb");
    other_zone["Zone"] = "cn-wlcb-02";
    check_error(call(port, other_zone), 8040, "does not exist");
    check_error(call(port, detach("uhost-emu-running", "udisk-emu-data3", "/dev/vdb")), 8041,
                "[Running]");
    check_error(call(port, detach("uhost-emu-stopped", "bsd-emu-system", "/dev/vda")), 8042,
                "system disk");
    check_error(call(port, detach("uhost-emu-stopped", "udisk-emu-data3", "/dev/vdb")), 8043,
                "UDisk [udisk-emu-data3] is not attached to UHost [uhost-emu-stopped]");
    check_error(call(port, detach("uhost-emu-stopped", "udisk-nope", "/dev/vdb")), 17041,
                "UDisk [udisk-nope] does not exist");
    check_error(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdc")), 8044,
                "Device [/dev/vdc] does not match the Drive [/dev/vdb]");
    CHECK(server.accepted("DetachCompshareDisk") == 0);
    CHECK(server.count("DetachCompshareDisk") == 12);
    CHECK(disk_ids(port, "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data1,udisk-emu-data2");
}

TEST_CASE("emulator detach: the disk stays in DiskSet while detaching", "[emulator][detach]") {
    compshare_emulator::options opts;
    opts.detach_delay_ms = 60000;
    compshare_emulator::server server(opts);
    const auto port = server.port();
    REQUIRE(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")).ret_code() == 0);
    CHECK(disk_ids(port, "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data1,udisk-emu-data2");
    check_error(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")), 17061,
                "being detached");
    CHECK(server.state_json().find("EmulatorDetachRemainingMs") != std::string::npos);
    // Other disks are unaffected.
    CHECK(call(port, detach("uhost-emu-stopped", "udisk-emu-data2", "/dev/vdc")).ret_code() == 0);
    CHECK(server.accepted("DetachCompshareDisk") == 2);
}

TEST_CASE("emulator detach: a detach completes once its delay has passed", "[emulator][detach]") {
    compshare_emulator::options opts;
    opts.detach_delay_ms = 150;
    compshare_emulator::server server(opts);
    const auto port = server.port();
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")).ret_code() == 0);
    // Poll Describe (as a client would) until the disk is gone; the time passing is what is
    // tested here, so the loop waits on the clock with a generous deadline.
    while (disk_ids(port, "uhost-emu-stopped").find("udisk-emu-data1") != std::string::npos) {
        REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
    CHECK(disk_ids(port, "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data2");
}

TEST_CASE("emulator detach: a state seeded with a finished detach settles on the next request",
          "[emulator][detach]") {
    compshare_emulator::options opts;
    opts.state_json = R"({"Instances":[{"UHostId":"uhost-a","Region":"cn-wlcb","Zone":"cn-wlcb-01",
        "State":"Stopped","DiskSet":[{"DiskId":"udisk-a","IsBoot":"False","Drive":"/dev/vdb",
        "Size":10,"EmulatorDetachRemainingMs":0}]}]})";
    compshare_emulator::server server(opts);
    auto answer = call(server.port(), {{"Action", "DescribeCompShareInstance"}});
    CHECK(answer.json()->getArray("UHostSet")->getObject(0)->getArray("DiskSet")->size() == 0);
    auto free_disks = free_disks_of(server);
    REQUIRE(free_disks->size() == 1);
    CHECK(free_disks->getObject(0)->getValue<std::string>("DiskId") == "udisk-a");
}
