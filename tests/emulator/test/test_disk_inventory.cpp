// DescribeCompshareDisk, the disk inventory (undocumented upstream; shaped after compshare-cli):
// every disk of a Region with where it is mounted, the HostId filter, paging, and the gateway
// checks, faults and request log that every action gets.
#include "emulator_client.hpp"

#include <Poco/JSON/Array.h>

#include <catch2/catch.hpp>

#include <map>

using emulator_test::call;

namespace {

const char* action = "DescribeCompshareDisk";

// ResourceId -> the entry, from one answer.
std::map<std::string, Poco::JSON::Object::Ptr> by_id(const emulator_test::reply& answer) {
    std::map<std::string, Poco::JSON::Object::Ptr> entries;
    const auto set = answer.json()->getArray("DiskSet");
    for (std::size_t i = 0; i < set->size(); ++i) {
        const auto entry = set->getObject(static_cast<unsigned>(i));
        entries[entry->getValue<std::string>("ResourceId")] = entry;
    }
    return entries;
}

const char* state_with_free_disk = R"({
  "Instances": [
    {"UHostId": "uhost-a", "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "State": "Stopped",
     "DiskSet": [
       {"DiskId": "bsd-a", "IsBoot": "True", "Drive": "/dev/vda", "Size": 40},
       {"DiskId": "udisk-a1", "Drive": "/dev/vdb", "Size": 100, "Name": "a1",
        "EmulatorDetachRemainingMs": 60000}]},
    {"UHostId": "uhost-far", "Region": "cn-sh2", "Zone": "cn-sh2-02", "State": "Stopped",
     "DiskSet": [{"DiskId": "bsd-far", "IsBoot": "True", "Drive": "/dev/vda", "Size": 40}]}
  ],
  "Disks": [
    {"DiskId": "udisk-free", "Region": "cn-wlcb", "Zone": "cn-wlcb-02", "Size": 50,
     "DiskType": "CLOUD_RSSD"},
    {"DiskId": "udisk-free-far", "Region": "cn-sh2", "Zone": "cn-sh2-02", "Size": 50}
  ]})";

}  // namespace

TEST_CASE("emulator disk inventory: every disk of the Region and where it is mounted",
          "[emulator][disks]") {
    compshare_emulator::server server({});
    const auto answer = call(server.port(), {{"Action", action}, {"Region", "cn-wlcb"}});
    CHECK(answer.status == 200);
    CHECK(answer.ret_code() == 0);
    CHECK(answer.json()->getValue<std::string>("Action") == "DescribeCompshareDiskResponse");
    CHECK(answer.json()->getValue<int>("TotalCount") == 5);
    const auto disks = by_id(answer);
    REQUIRE(disks.size() == 5);
    const auto data1 = disks.at("udisk-emu-data1");
    CHECK(data1->getValue<std::string>("Name") == "data1");
    CHECK(data1->getValue<std::string>("Configuration") == "200GB");
    CHECK(data1->getValue<std::string>("DiskType") == "CLOUD_SSD");
    CHECK(data1->getValue<std::string>("Status") == "InUse");
    CHECK(data1->getValue<std::string>("MountInstance") == "uhost-emu-stopped");
    CHECK(data1->getValue<std::string>("Zone") == "cn-wlcb-01");
    CHECK(disks.at("udisk-emu-data3")->getValue<std::string>("MountInstance") ==
          "uhost-emu-running");
    // System disks are listed too, mounted on their instance.
    CHECK(disks.at("bsd-emu-system")->getValue<std::string>("MountInstance") ==
          "uhost-emu-stopped");
    CHECK(disks.at("bsd-emu-system")->getValue<std::string>("Name").empty());
}

TEST_CASE("emulator disk inventory: free, detaching and other-Region disks", "[emulator][disks]") {
    compshare_emulator::options opts;
    opts.state_json = state_with_free_disk;
    compshare_emulator::server server(opts);
    auto disks = by_id(call(server.port(), {{"Action", action}, {"Region", "cn-wlcb"}}));
    REQUIRE(disks.size() == 3);  // bsd-a, udisk-a1, udisk-free; nothing from cn-sh2
    CHECK(disks.at("udisk-a1")->getValue<std::string>("Status") == "Detaching");
    CHECK(disks.at("udisk-a1")->getValue<std::string>("MountInstance") == "uhost-a");
    const auto free = disks.at("udisk-free");
    CHECK(free->getValue<std::string>("Status") == "Available");
    CHECK(free->getValue<std::string>("MountInstance").empty());
    CHECK(free->getValue<std::string>("Zone") == "cn-wlcb-02");
    CHECK(free->getValue<std::string>("DiskType") == "CLOUD_RSSD");
    CHECK(free->getValue<std::string>("Configuration") == "50GB");

    disks = by_id(call(server.port(), {{"Action", action}, {"Region", "cn-sh2"}}));
    CHECK(disks.size() == 2);
    CHECK(disks.count("udisk-free-far") == 1);
}

TEST_CASE("emulator disk inventory: a detach moves the disk from InUse to free",
          "[emulator][disks]") {
    compshare_emulator::server server({});
    REQUIRE(call(server.port(), {{"Action", "DetachCompshareDisk"},
                                 {"Region", "cn-wlcb"},
                                 {"UHostId", "uhost-emu-stopped"},
                                 {"UDiskId", "udisk-emu-data1"},
                                 {"Device", "/dev/vdb"}})
                .ret_code() == 0);
    const auto disks = by_id(call(server.port(), {{"Action", action}, {"Region", "cn-wlcb"}}));
    const auto data1 = disks.at("udisk-emu-data1");
    CHECK(data1->getValue<std::string>("MountInstance").empty());
    CHECK(data1->getValue<std::string>("Status") == "Available");
    CHECK(data1->getValue<std::string>("Zone") == "cn-wlcb-01");
}

TEST_CASE("emulator disk inventory: HostId filter and paging", "[emulator][disks]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    auto answer =
        call(port, {{"Action", action}, {"Region", "cn-wlcb"}, {"HostId", "uhost-emu-running"}});
    CHECK(answer.json()->getValue<int>("TotalCount") == 2);
    auto disks = by_id(answer);
    CHECK(disks.count("bsd-emu-system2") == 1);
    CHECK(disks.count("udisk-emu-data3") == 1);
    CHECK(call(port, {{"Action", action}, {"Region", "cn-wlcb"}, {"HostId", "uhost-nope"}})
              .json()
              ->getValue<int>("TotalCount") == 0);

    answer =
        call(port, {{"Action", action}, {"Region", "cn-wlcb"}, {"Offset", "4"}, {"Limit", "1"}});
    CHECK(answer.json()->getValue<int>("TotalCount") == 5);  // before paging
    CHECK(answer.json()->getArray("DiskSet")->size() == 1);
    CHECK(call(port, {{"Action", action}, {"Region", "cn-wlcb"}, {"Offset", "5"}})
              .json()
              ->getArray("DiskSet")
              ->size() == 0);
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"Limit", "0"}, {"Limit", "101"}, {"Offset", "-1"}}) {
        INFO(key << "=" << value);
        const auto bad = call(port, {{"Action", action}, {"Region", "cn-wlcb"}, {key, value}});
        CHECK(bad.ret_code() == 230);
        CHECK(bad.json()->getValue<std::string>("Message") == "Params [" + key + "] not available");
    }
    const auto no_region = call(port, {{"Action", action}});
    CHECK(no_region.ret_code() == 230);
    CHECK(no_region.json()->getValue<std::string>("Message") == "Params [Region] not available");
}

TEST_CASE("emulator disk inventory: signed, faulted and logged like every action",
          "[emulator][disks]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    const emulator_test::param_map params{{"Action", action}, {"Region", "cn-wlcb"}};
    // A wrong signature is refused before the action runs.
    auto forged = emulator_test::sign(params, compshare_emulator::default_public_key, "wrong");
    const auto refused = emulator_test::request(
        port, "POST", "/", "application/x-www-form-urlencoded", emulator_test::form_encode(forged));
    CHECK(refused.json()->getValue<int>("RetCode") == 171);
    CHECK_FALSE(refused.json()->has("DiskSet"));

    server.add_fault(R"({"action":"DescribeCompshareDisk","mode":"ret_code","ret_code":150})");
    CHECK(call(port, params).ret_code() == 150);
    server.add_fault(R"({"action":"DescribeCompshareDisk","mode":"http_status","status":503})");
    CHECK(call(port, params).status == 503);
    CHECK(call(port, params).ret_code() == 0);

    CHECK(server.count(action) == 4);
    CHECK(server.accepted(action) == 1);
    const auto log = server.requests_json();
    CHECK(log.find(R"("action":"DescribeCompshareDisk")") != std::string::npos);
}
