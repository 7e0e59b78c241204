// DescribeCompShareInstance against the built-in default state, and the common response shape.
#include "emulator_client.hpp"

#include <Poco/JSON/Array.h>

#include <catch2/catch.hpp>

#include <set>

using emulator_test::call;

namespace {

std::vector<std::string> host_ids(const emulator_test::reply& answer) {
    std::vector<std::string> ids;
    auto hosts = answer.json()->getArray("UHostSet");
    for (std::size_t i = 0; i < hosts->size(); ++i) {
        ids.push_back(hosts->getObject(static_cast<unsigned>(i))->getValue<std::string>("UHostId"));
    }
    return ids;
}

}  // namespace

TEST_CASE("emulator describe: default state and response shape", "[emulator][describe]") {
    compshare_emulator::server server({});
    auto answer = call(server.port(), {{"Action", "DescribeCompShareInstance"}});
    CHECK(answer.status == 200);
    CHECK(answer.content_type == "application/json");
    CHECK(answer.request_id.size() == 36);
    auto body = answer.json();
    CHECK(body->getValue<std::string>("Action") == "DescribeCompShareInstanceResponse");
    CHECK(body->getValue<int>("RetCode") == 0);
    CHECK_FALSE(body->has("Message"));
    CHECK(body->getValue<int>("TotalCount") == 2);
    CHECK(host_ids(answer) == std::vector<std::string>{"uhost-emu-stopped", "uhost-emu-running"});

    auto stopped = body->getArray("UHostSet")->getObject(0);
    CHECK(stopped->getValue<std::string>("Name") == "gpu-stopped");
    CHECK(stopped->getValue<std::string>("State") == "Stopped");
    CHECK(stopped->getValue<std::string>("Region") == "cn-wlcb");
    CHECK(stopped->getValue<std::string>("Zone") == "cn-wlcb-01");
    CHECK_FALSE(stopped->getValue<std::string>("Password").empty());
    CHECK_FALSE(stopped->getValue<std::string>("SshLoginCommand").empty());
    auto disks = stopped->getArray("DiskSet");
    REQUIRE(disks->size() == 3);
    auto system = disks->getObject(0);
    CHECK(system->getValue<std::string>("DiskId") == "bsd-emu-system");
    CHECK(system->getValue<std::string>("IsBoot") == "True");
    CHECK(system->getValue<std::string>("Drive") == "/dev/vda");
    CHECK(system->getValue<std::string>("DiskType") == "CLOUD_SSD");
    CHECK(system->getValue<int>("Size") == 100);
    CHECK(disks->getObject(1)->getValue<std::string>("DiskId") == "udisk-emu-data1");
    CHECK(disks->getObject(1)->getValue<std::string>("IsBoot") == "False");
    CHECK(disks->getObject(1)->getValue<std::string>("Drive") == "/dev/vdb");
    CHECK(disks->getObject(2)->getValue<std::string>("DiskId") == "udisk-emu-data2");
    CHECK(disks->getObject(2)->getValue<int>("Size") == 500);
    CHECK(emulator_test::disk_ids(server.port(), "uhost-emu-running") ==
          "bsd-emu-system2,udisk-emu-data3");

    // Every response gets its own request id.
    auto again = call(server.port(), {{"Action", "DescribeCompShareInstance"}});
    CHECK(again.request_id != answer.request_id);
}

TEST_CASE("emulator describe: filters and paging", "[emulator][describe]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    const std::string action = "DescribeCompShareInstance";

    CHECK(host_ids(call(port, {{"Action", action}, {"UHostIds.0", "uhost-emu-running"}})) ==
          std::vector<std::string>{"uhost-emu-running"});
    CHECK(host_ids(call(port, {{"Action", action},
                               {"UHostIds.0", "uhost-emu-running"},
                               {"UHostIds.1", "uhost-emu-stopped"}}))
              .size() == 2);
    auto unknown = call(port, {{"Action", action}, {"UHostIds.0", "uhost-nope"}});
    CHECK(unknown.ret_code() == 0);
    CHECK(unknown.json()->getValue<int>("TotalCount") == 0);
    CHECK(unknown.json()->getArray("UHostSet")->size() == 0);
    CHECK(call(port, {{"Action", action}, {"Region", "cn-sh2"}})
              .json()
              ->getValue<int>("TotalCount") == 0);
    CHECK(call(port, {{"Action", action}, {"Region", "cn-wlcb"}, {"Zone", "cn-wlcb-02"}})
              .json()
              ->getValue<int>("TotalCount") == 0);
    CHECK(call(port, {{"Action", action}, {"Zone", "cn-wlcb-01"}})
              .json()
              ->getValue<int>("TotalCount") == 2);

    auto page = call(port, {{"Action", action}, {"Offset", "1"}, {"Limit", "1"}});
    CHECK(page.json()->getValue<int>("TotalCount") == 2);
    CHECK(host_ids(page) == std::vector<std::string>{"uhost-emu-running"});
    CHECK(host_ids(call(port, {{"Action", action}, {"Offset", "5"}})).empty());
    CHECK(call(port, {{"Action", action}, {"Limit", "100"}}).ret_code() == 0);

    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"Limit", "0"},
                                                          {"Limit", "101"},
                                                          {"Limit", "-1"},
                                                          {"Limit", "x"},
                                                          {"Offset", "-1"},
                                                          {"Offset", "1.5"}}) {
        INFO(key << "=" << value);
        auto bad = call(port, {{"Action", action}, {key, value}});
        CHECK(bad.ret_code() == 230);
        CHECK(bad.json()->getValue<std::string>("Message") == "Params [" + key + "] not available");
    }
}

TEST_CASE("emulator describe: paths and methods outside the API", "[emulator][describe]") {
    compshare_emulator::server server({});
    CHECK(emulator_test::request(server.port(), "POST", "/v1/", "application/json", "{}").status ==
          404);
    CHECK(emulator_test::request(server.port(), "DELETE", "/").status == 405);
}
