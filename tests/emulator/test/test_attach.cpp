// AttachCompshareDisk: the inverse of detach, so demos and tests can round-trip.
#include "emulator_client.hpp"

#include <catch2/catch.hpp>

using emulator_test::call;
using emulator_test::disk_ids;
using emulator_test::param_map;

namespace {

param_map attach(const std::string& host, const std::string& disk) {
    return {{"Action", "AttachCompshareDisk"},
            {"Region", "cn-wlcb"},
            {"Zone", "cn-wlcb-01"},
            {"UHostId", host},
            {"UDiskId", disk}};
}

param_map detach(const std::string& host, const std::string& disk, const std::string& device) {
    return {{"Action", "DetachCompshareDisk"},
            {"Region", "cn-wlcb"},
            {"UHostId", host},
            {"UDiskId", disk},
            {"Device", device}};
}

void check_error(const emulator_test::reply& answer, int code, const std::string& fragment) {
    INFO(answer.body);
    CHECK(answer.ret_code() == code);
    CHECK(answer.json()->getValue<std::string>("Message").find(fragment) != std::string::npos);
}

// The Drive of a disk of an instance, from Describe.
std::string drive_of(uint16_t port, const std::string& host, const std::string& disk) {
    auto answer = call(port, {{"Action", "DescribeCompShareInstance"}, {"UHostIds.0", host}});
    auto disks = answer.json()->getArray("UHostSet")->getObject(0)->getArray("DiskSet");
    for (std::size_t i = 0; i < disks->size(); ++i) {
        auto d = disks->getObject(static_cast<unsigned>(i));
        if (d->getValue<std::string>("DiskId") == disk) {
            return d->getValue<std::string>("Drive");
        }
    }
    return "";
}

}  // namespace

TEST_CASE("emulator attach: round trip detach -> attach elsewhere -> back", "[emulator][attach]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    REQUIRE(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")).ret_code() == 0);
    auto answer = call(port, attach("uhost-emu-running", "udisk-emu-data1"));
    CHECK(answer.body == R"({"Action":"AttachCompshareDiskResponse","RetCode":0})");
    CHECK(disk_ids(port, "uhost-emu-running") == "bsd-emu-system2,udisk-emu-data3,udisk-emu-data1");
    CHECK(drive_of(port, "uhost-emu-running", "udisk-emu-data1") == "/dev/vdc");  // next free

    server.set_state(server.state_json());  // the state document round-trips
    CHECK(call(port, attach("uhost-emu-running", "udisk-emu-data1")).ret_code() == 17057);
    param_map running_detach = detach("uhost-emu-running", "udisk-emu-data1", "/dev/vdc");
    CHECK(call(port, running_detach).ret_code() == 8041);  // instance running
    CHECK(server.accepted("AttachCompshareDisk") == 1);
}

TEST_CASE("emulator attach: each rule has its RetCode", "[emulator][attach]") {
    compshare_emulator::options opts;
    opts.detach_delay_ms = 60000;
    opts.state_json = R"({
      "Instances": [
        {"UHostId": "uhost-a", "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "State": "Stopped",
         "DiskSet": [{"DiskId": "bsd-a", "IsBoot": "True", "Drive": "/dev/vda", "Size": 20},
                     {"DiskId": "udisk-on-a", "IsBoot": "False", "Drive": "/dev/vdb", "Size": 20}]},
        {"UHostId": "uhost-starting", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
         "State": "Starting"}
      ],
      "Disks": [
        {"DiskId": "udisk-free", "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "Size": 50},
        {"DiskId": "udisk-far", "Region": "cn-wlcb", "Zone": "cn-wlcb-02", "Size": 50}
      ]})";
    compshare_emulator::server server(opts);
    const auto port = server.port();
    for (const char* name : {"Region", "UHostId", "UDiskId"}) {
        param_map params = attach("uhost-a", "udisk-free");
        params.erase(name);
        check_error(call(port, params), 230, std::string("Params [") + name + "]");
    }
    check_error(call(port, attach("uhost-nope", "udisk-free")), 8040, "does not exist");
    check_error(call(port, attach("uhost-starting", "udisk-free")), 8041, "[Starting]");
    check_error(call(port, attach("uhost-a", "udisk-nope")), 17041, "does not exist");
    check_error(call(port, attach("uhost-a", "udisk-on-a")), 17057, "already attached");
    check_error(call(port, attach("uhost-a", "udisk-far")), 8045, "cn-wlcb-02");
    REQUIRE(call(port, detach("uhost-a", "udisk-on-a", "/dev/vdb")).ret_code() == 0);
    check_error(call(port, attach("uhost-a", "udisk-on-a")), 17061, "being detached");
    CHECK(server.accepted("AttachCompshareDisk") == 0);

    CHECK(call(port, attach("uhost-a", "udisk-free")).ret_code() == 0);
    CHECK(drive_of(port, "uhost-a", "udisk-free") == "/dev/vdc");  // vdb still detaching
}

TEST_CASE("emulator attach: no free device name", "[emulator][attach]") {
    std::string disks = R"({"DiskId":"bsd","IsBoot":"True","Drive":"/dev/vda","Size":20})";
    for (char letter = 'b'; letter <= 'z'; ++letter) {
        disks += std::string(R"(,{"DiskId":"udisk-)") + letter + R"(","Drive":"/dev/vd)" + letter +
                 R"(","Size":1})";
    }
    compshare_emulator::options opts;
    opts.state_json = R"({"Instances":[{"UHostId":"uhost-full","Region":"cn-wlcb","Zone":"z",
        "State":"Stopped","DiskSet":[)" +
                      disks + R"(]}],"Disks":[{"DiskId":"udisk-extra","Region":"cn-wlcb",
        "Zone":"z","Size":1}]})";
    compshare_emulator::server server(opts);
    check_error(call(server.port(), {{"Action", "AttachCompshareDisk"},
                                     {"Region", "cn-wlcb"},
                                     {"UHostId", "uhost-full"},
                                     {"UDiskId", "udisk-extra"}}),
                8046, "no free device");
}

TEST_CASE("emulator attach: with a delay the disk is attaching, then listed",
          "[emulator][attach]") {
    compshare_emulator::options opts;
    opts.attach_delay_ms = 60000;
    opts.detach_delay_ms = 0;
    compshare_emulator::server server(opts);
    const auto port = server.port();
    REQUIRE(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")).ret_code() == 0);
    REQUIRE(call(port, attach("uhost-emu-stopped", "udisk-emu-data1")).ret_code() == 0);
    // Not listed yet; a second attach is "in progress"; a detach is refused while attaching.
    CHECK(disk_ids(port, "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data2");
    check_error(call(port, attach("uhost-emu-stopped", "udisk-emu-data1")), 17056,
                "being attached");
    check_error(call(port, detach("uhost-emu-stopped", "udisk-emu-data1", "/dev/vdb")), 17026,
                "being attached");
    const auto inventory = call(port, {{"Action", "DescribeCompshareDisk"},
                                       {"Region", "cn-wlcb"},
                                       {"HostId", "uhost-emu-stopped"}});
    INFO(inventory.body);
    CHECK(inventory.body.find(R"("Status":"Attaching")") != std::string::npos);
    CHECK(server.accepted("AttachCompshareDisk") == 1);

    // The state document carries the time left; 0 completes it at the next request.
    auto doc = server.state_json();
    const std::string key = "EmulatorAttachRemainingMs";
    const auto at = doc.find(key);
    REQUIRE(at != std::string::npos);
    const auto digits = doc.find_first_of("0123456789", at + key.size());
    doc.replace(digits, doc.find_first_not_of("0123456789", digits) - digits, "0");
    server.set_state(doc);
    CHECK(disk_ids(port, "uhost-emu-stopped") == "bsd-emu-system,udisk-emu-data2,udisk-emu-data1");
    CHECK(drive_of(port, "uhost-emu-stopped", "udisk-emu-data1") == "/dev/vdb");
}
