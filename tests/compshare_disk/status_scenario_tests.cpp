// Scenario tests of the `status` action: the BUILT plugin, loaded through its C ABI, against the
// in-process emulator. Every status and error type, and that it never writes.
#include "scenario_support.hpp"

#include <catch2/catch.hpp>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

invocation run_status(plugin_instance& plugin, const std::string& params) {
    return plugin.invoke(params, "status");
}

std::string host_params(const std::string& host, const std::string& extra = "") {
    return "{\"UHostId\":\"" + host + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

std::string host_disk_params(const std::string& host, const std::string& disk) {
    return host_params(host, "\"UDiskId\":\"" + disk + "\"");
}

void check_shape(const invocation& r) {
    REQUIRE(r.result);
    for (const char* key : {"ok", "changed", "status", "resource", "instance", "disks", "disk",
                            "request_ids", "timing", "warnings", "message"}) {
        INFO(key << " in " << r.json);
        CHECK(r.result->has(key));
    }
    CHECK_FALSE(r.result->getValue<bool>("changed"));  // never
    const bool ok = r.result->getValue<bool>("ok");
    CHECK(ok == (r.status == AH_OK));
    CHECK(r.result->has("error") == !ok);
}

// Only reads reached the emulator.
void check_only_reads(const server& emu) {
    for (const auto& action : logged_actions(emu)) {
        INFO(action);
        CHECK(action == "DescribeCompShareInstance");
    }
}

}  // namespace

TEST_CASE("compshare_disk status: an instance with its disks, and where a disk is", "[status]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    auto r = run_status(plugin, host_disk_params(stopped_host, data2));
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "read");
    const auto instance = r.result->getObject("instance");
    CHECK(instance->getValue<std::string>("uhost_id") == stopped_host);
    CHECK(instance->getValue<std::string>("zone") == "cn-wlcb-01");
    CHECK(instance->getValue<std::string>("state") == "Stopped");
    const auto disks = r.result->getArray("disks");
    REQUIRE(disks->size() == 3);
    const auto boot = disks->getObject(0);
    CHECK(boot->getValue<std::string>("udisk_id") == system_disk);
    CHECK(boot->getValue<bool>("boot"));
    CHECK(boot->getValue<std::string>("device") == "/dev/vda");
    CHECK(boot->getValue<int>("size_gb") == 100);
    CHECK(boot->getValue<std::string>("type") == "CLOUD_SSD");
    CHECK_FALSE(disks->getObject(2)->getValue<bool>("boot"));
    CHECK(disks->getObject(2)->getValue<int>("size_gb") == 500);
    const auto disk = r.result->getObject("disk");
    CHECK(disk->getValue<bool>("attached"));
    CHECK(disk->getValue<std::string>("device") == "/dev/vdc");
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains("as /dev/vdc"));

    r = run_status(plugin, host_disk_params(running_host, data1));
    INFO(r.json);
    CHECK(r.status == AH_OK);
    CHECK_FALSE(r.result->getObject("disk")->getValue<bool>("attached"));
    CHECK(r.result->getObject("disk")->isNull("device"));

    r = run_status(plugin, host_params(running_host, R"("Region":"cn-wlcb","Zone":"cn-wlcb-01")"));
    CHECK(r.status == AH_OK);
    CHECK(r.result->isNull("disk"));
    check_only_reads(emu);
    check_no_canaries(plugin.transcript(), {compshare_emulator::default_private_key,
                                            "RW11bGF0b3JQYXNzdzByZCE=", "ssh -p 22", "192.0.2.10"});
}

TEST_CASE("compshare_disk status: errors", "[status]") {
    server emu(emulator_options());
    SECTION("instance not found") {
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_status(plugin, host_params("uhost-nope"));
        INFO(r.json);
        check_shape(r);
        CHECK(r.error_type() == "InstanceNotFound");
        CHECK(r.status_text() == "failed");
        CHECK(r.result->isNull("instance"));
    }
    SECTION("bad parameters") {
        plugin_instance plugin(plugin_config(emu));
        for (const char* params : {R"({})", R"({"UHostId":"u","Wait":true})",
                                   R"({"UHostId":"u","Password":"p"})", R"({"UHostId":7})", "[]"}) {
            INFO(params);
            const auto r = run_status(plugin, params);
            check_shape(r);
            CHECK(r.status == AH_INVALID_ARGUMENT);
            CHECK(r.error_type() == "InvalidParameter");
        }
        CHECK(logged_actions(emu).empty());
    }
    SECTION("a wrong key is AuthFailed") {
        plugin_instance plugin(plugin_config(emu, "", "0000000000wrongkey"));
        const auto r = run_status(plugin, host_params(stopped_host));
        check_shape(r);
        CHECK(r.error_type() == "AuthFailed");
    }
}

TEST_CASE("compshare_disk status: faults are classified and never lead to a write", "[status]") {
    const std::vector<std::pair<std::string, const char*>> cases = {
        {R"("mode":"http_status","status":503)", nullptr},  // retried
        {R"("mode":"reset")", nullptr},
        {R"("mode":"ret_code","ret_code":150)", nullptr},
        {R"("mode":"http_status","status":500)", "Transient"},
        {R"("mode":"malformed_json")", "Transient"},
        {R"("mode":"empty_body")", "Transient"},
        {R"("mode":"ret_code","ret_code":171)", "AuthFailed"},
        {R"("mode":"ret_code","ret_code":8433)", "ApiError"},
        {R"("mode":"body","body":"{\"RetCode\":0,\"UHostSet\":[{\"UHostId\":\"uhost-emu-stopped\",\"DiskSet\":[]}]}")",
         "Transient"},
    };
    for (const auto& [fault, outcome] : cases) {
        DYNAMIC_SECTION(fault) {
            server emu(emulator_options());
            emu.add_fault("{\"action\":\"DescribeCompShareInstance\"," + fault + "}");
            plugin_instance plugin(plugin_config(emu));
            const auto r = run_status(plugin, host_disk_params(stopped_host, data1));
            INFO(r.json);
            check_shape(r);
            if (outcome == nullptr) {
                CHECK(r.status == AH_OK);
                CHECK(r.result->getObject("timing")->getValue<int>("retries") >= 1);
            } else {
                CHECK(r.error_type() == outcome);
            }
            check_only_reads(emu);
        }
    }
}

TEST_CASE("compshare_disk status: cancel", "[status]") {
    server emu(emulator_options());
    // A slow first answer; the retry event is the moment to cancel (no sleeps).
    emu.add_fault(R"({"action":"DescribeCompShareInstance","mode":"http_status","status":503})");
    plugin_instance plugin(plugin_config(emu), [](plugin_instance& self, const std::string& json) {
        if (json.find("\"event\":\"retry\"") != std::string::npos)
            self.cancel();
    });
    const auto r = run_status(plugin, host_params(stopped_host));
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_CANCELLED);
    CHECK(r.error_type() == "Cancelled");
    CHECK(r.status_text() == "cancelled");
    check_only_reads(emu);
}

TEST_CASE("compshare_disk status: a Drive that is no device path is reported as null", "[status]") {
    server emu(emulator_options());
    emu.add_fault(describe_reply_fault(
        R"({"UHostId":"uhost-emu-stopped","Zone":"cn-wlcb-01","State":"Stopped","DiskSet":[)"
        R"({"DiskId":"bsd-1","IsBoot":"True","Drive":"/dev/vda","Size":"big"},)"
        R"({"DiskId":"udisk-emu-data1","IsBoot":"False","Drive":"/dev/../x\u001b[2J",)"
        R"("DiskType":7}]})"));
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_status(plugin, host_disk_params(stopped_host, data1));
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_OK);
    const auto disk = r.result->getObject("disk");
    CHECK(disk->getValue<bool>("attached"));
    CHECK(disk->isNull("device"));
    const auto disks = r.result->getArray("disks");
    CHECK(disks->getObject(0)->isNull("size_gb"));  // "big" is no size
    CHECK(disks->getObject(1)->isNull("type"));     // 7 is no type
    CHECK(r.json.find("/dev/..") == std::string::npos);
    CHECK_THAT(r.result->getValue<std::string>("message"), Catch::Contains("no device reported"));
}
