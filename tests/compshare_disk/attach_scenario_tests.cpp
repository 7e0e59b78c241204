// Scenario tests of the `attach` action: the BUILT plugin, loaded through its C ABI, against the
// in-process emulator. Every status and every error type attach can return.
#include "scenario_support.hpp"

#include <actionhost/json_writer.hpp>

#include <catch2/catch.hpp>

#include <tuple>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

const char* attach = "AttachCompshareDisk";
const char* inventory = "DescribeCompshareDisk";

server free_disk_emulator(int detach_delay_ms = 0, int attach_delay_ms = 0) {
    return server(emulator_options(default_state_with_free_disks(free_disk_json(free_disk)),
                                   detach_delay_ms, attach_delay_ms));
}

invocation run_attach(plugin_instance& plugin, const std::string& host, const std::string& disk,
                      const std::string& extra = "") {
    return plugin.invoke(disk_params(host, disk, extra), "attach");
}

std::string text(const invocation& r, const char* key) {
    return r.result->getValue<std::string>(key);
}

std::string device(const invocation& r) {
    const auto resource = r.result->getObject("resource");
    return resource->isNull("device") ? "" : resource->getValue<std::string>("device");
}

bool error_retryable(const invocation& r) {
    return r.result->getObject("error")->getValue<bool>("retryable");
}

// Every result has the full shape, and the status is the one success signal.
void check_shape(const invocation& r) {
    REQUIRE(r.result);
    for (const char* key :
         {"ok", "changed", "status", "dry_run", "attach_sent", "resource", "observed", "response",
          "request_ids", "timing", "client_token", "warnings", "message"}) {
        INFO(key << " in " << r.json);
        CHECK(r.result->has(key));
    }
    CHECK_FALSE(r.result->has("detach_sent"));
    const bool ok = r.result->getValue<bool>("ok");
    CHECK(ok == (r.status == AH_OK));
    CHECK(r.result->has("error") == !ok);
    CHECK(r.result->has("hint") == !ok);
}

}  // namespace

TEST_CASE("compshare_disk attach: a free disk is attached and its device returned", "[attach]") {
    auto emu = free_disk_emulator();
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, free_disk, R"("ClientToken":"move-1")");
    INFO(r.json << "\n" << plugin.transcript());
    check_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "attached");
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.result->getValue<bool>("attach_sent"));
    CHECK(device(r) == "/dev/vdd");  // vdb and vdc are taken
    CHECK(r.result->getObject("resource")->getValue<std::string>("zone") == "cn-wlcb-01");
    CHECK(r.result->getObject("timing")->getValue<int>("polls") >= 2);  // confirmed twice
    CHECK(r.result->getObject("response")->getValue<std::string>("Action") ==
          "AttachCompshareDiskResponse");
    CHECK(text(r, "client_token") == "move-1");
    CHECK_THAT(text(r, "message"), Catch::Contains("/dev/vdd"));
    const auto warnings = r.result->getArray("warnings");
    REQUIRE(warnings->size() == 1);
    CHECK_THAT(warnings->getElement<std::string>(0),
               Catch::Contains("mount /dev/vdd") && Catch::Contains("nofail"));
    CHECK(emu.accepted(attach) == 1);
    for (const char* event : {"precheck", "attach_sent", "poll", "done"}) {
        INFO(event);
        CHECK_FALSE(plugin.events_named(event).empty());
    }
    check_no_canaries(plugin.transcript(), {compshare_emulator::default_private_key,
                                            "RW11bGF0b3JQYXNzdzByZCE=", "ssh -p 22"});
}

TEST_CASE("compshare_disk attach: a running instance takes the disk too", "[attach]") {
    auto emu = free_disk_emulator();
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, running_host, free_disk);
    INFO(r.json);
    CHECK(r.status_text() == "attached");
    CHECK(device(r) == "/dev/vdc");
    CHECK(r.result->getObject("observed")->getValue<std::string>("instance_state") == "Running");
}

TEST_CASE("compshare_disk attach: a disk already on the instance is a no-op", "[attach]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, data2);
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "already_attached");
    CHECK_FALSE(r.result->getValue<bool>("changed"));
    CHECK_FALSE(r.result->getValue<bool>("attach_sent"));
    CHECK(device(r) == "/dev/vdc");
    CHECK(r.result->getObject("observed")->getValue<bool>("attached_before"));
    CHECK(emu.count(attach) == 0);
    CHECK(emu.count(inventory) == 0);  // the instance's own read decides
}

TEST_CASE("compshare_disk attach: dry run reads and sends nothing", "[attach]") {
    auto emu = free_disk_emulator();
    plugin_instance plugin(plugin_config(emu));
    for (const char* extra : {R"("DryRun":true)", R"("DryRun":true,"Precheck":false)"}) {
        INFO(extra);
        const auto r = run_attach(plugin, stopped_host, free_disk, extra);
        INFO(r.json);
        check_shape(r);
        CHECK(r.status_text() == "would_attach");
        CHECK(r.result->getValue<bool>("dry_run"));
        CHECK_FALSE(r.result->getValue<bool>("changed"));
    }
    CHECK(emu.count(attach) == 0);
    // A dry run still refuses what the attach would refuse.
    const auto r = run_attach(plugin, stopped_host, data3, R"("DryRun":true)");
    CHECK(r.error_type() == "DiskAttachedElsewhere");
}

TEST_CASE("compshare_disk attach: Wait false returns once accepted", "[attach]") {
    auto emu = free_disk_emulator();
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, free_disk,
                              R"("Wait":false,"DataDiskType":"CLOUD_SSD",)"
                              R"("EnableCrossPodAttach":true)");
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "attach_requested");
    CHECK(r.result->getValue<bool>("changed"));
    CHECK(r.result->getObject("timing")->getValue<int>("polls") == 0);
    CHECK(emu.accepted(attach) == 1);
    // The optional API fields are sent in the API's spelling.
    const auto log = parse_json_object(emu.requests_json())->getArray("requests");
    bool seen = false;
    for (std::size_t i = 0; i < log->size(); ++i) {
        const auto entry = log->getObject(static_cast<unsigned>(i));
        if (entry->getValue<std::string>("action") != attach)
            continue;
        const auto params = entry->getObject("params");
        CHECK(params->getValue<std::string>("DataDiskType") == "CLOUD_SSD");
        CHECK(params->getValue<std::string>("EnableCrossPodAttach") == "Yes");
        CHECK(params->getValue<std::string>("Zone") == "cn-wlcb-01");
        seen = true;
    }
    CHECK(seen);
}

TEST_CASE("compshare_disk attach: a disk on another instance names both", "[attach]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, data3);
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "DiskAttachedElsewhere");
    CHECK_FALSE(error_retryable(r));
    CHECK_THAT(text(r, "message"), Catch::Contains(running_host) && Catch::Contains(stopped_host) &&
                                       Catch::Contains("/dev/vdb"));
    CHECK(r.status_text() == "failed");
    CHECK(emu.count(attach) == 0);
    CHECK(emu.count(inventory) >= 1);
}

TEST_CASE("compshare_disk attach: a disk still detaching elsewhere is retryable", "[attach]") {
    server emu(emulator_options("", 60000));
    plugin_instance plugin(plugin_config(emu));
    REQUIRE(plugin.invoke(detach_params(stopped_host, data1, R"("Wait":false)")).status == AH_OK);
    const auto r = run_attach(plugin, running_host, data1);
    INFO(r.json);
    CHECK(r.error_type() == "DiskAttachedElsewhere");
    CHECK(error_retryable(r));
    CHECK_THAT(text(r, "message"), Catch::Contains("Detaching"));
    CHECK(emu.count(attach) == 0);
}

TEST_CASE("compshare_disk attach: an unknown disk names the disk", "[attach]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, "udisk-nope");
    INFO(r.json);
    check_shape(r);
    CHECK(r.error_type() == "DiskNotFound");
    CHECK_THAT(text(r, "message"), Catch::Contains("udisk-nope"));
    CHECK(emu.count(attach) == 0);
}

TEST_CASE("compshare_disk attach: instance not found, zone mismatch", "[attach]") {
    auto emu = free_disk_emulator();
    plugin_instance plugin(plugin_config(emu));
    auto r = run_attach(plugin, "uhost-nope", free_disk);
    INFO(r.json);
    CHECK(r.error_type() == "InstanceNotFound");
    r = run_attach(plugin, stopped_host, free_disk, R"("Zone":"cn-wlcb-02")");
    INFO(r.json);
    CHECK(r.error_type() == "InstanceNotFound");  // the zone filters the read
    CHECK(emu.count(attach) == 0);
}

TEST_CASE("compshare_disk attach: the instance state decides", "[attach]") {
    for (const auto& [state, type, retryable] :
         {std::tuple{"Starting", "InstanceNotReady", true},
          std::tuple{"Rebooting", "InstanceNotReady", true},
          std::tuple{"Install Fail", "InstanceNotReady", false},
          std::tuple{"", "Transient", true}}) {
        DYNAMIC_SECTION("State \"" << state << "\"") {
            server emu(emulator_options(default_state_with_free_disks(free_disk_json(free_disk))));
            auto doc = emu.state_json();
            const std::string from = "\"Running\"";
            doc.replace(doc.find(from), from.size(), actionhost::json_quote(state));
            emu.set_state(doc);
            plugin_instance plugin(plugin_config(emu));
            const auto r = run_attach(plugin, running_host, free_disk);
            INFO(r.json);
            check_shape(r);
            CHECK(r.error_type() == type);
            CHECK(error_retryable(r) == retryable);
            CHECK(emu.count(attach) == 0);
        }
    }
}

TEST_CASE("compshare_disk attach: without the precheck the service's refusals are typed",
          "[attach]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const std::string no_precheck = R"("Precheck":false)";
    auto r = run_attach(plugin, stopped_host, data3, no_precheck);  // 17057, not listed here
    INFO(r.json);
    CHECK(r.error_type() == "DiskAttachedElsewhere");
    CHECK(r.result->getObject("error")->getValue<int>("ret_code") == 17057);
    r = run_attach(plugin, stopped_host, "udisk-nope", no_precheck);  // 17041
    INFO(r.json);
    CHECK(r.error_type() == "DiskNotFound");
    r = run_attach(plugin, stopped_host, data1, no_precheck);  // 17057, listed here
    INFO(r.json);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "already_attached");
    CHECK_FALSE(r.result->getValue<bool>("changed"));
    CHECK(device(r) == "/dev/vdb");
    CHECK(emu.accepted(attach) == 0);
}

TEST_CASE("compshare_disk attach: a disk still detaching is Transient (RetCode 17061)",
          "[attach]") {
    server emu(emulator_options("", 60000));
    plugin_instance plugin(plugin_config(emu));
    REQUIRE(plugin.invoke(detach_params(stopped_host, data1, R"("Wait":false)")).status == AH_OK);
    const auto r = run_attach(plugin, running_host, data1, R"("Precheck":false)");
    INFO(r.json);
    CHECK(r.error_type() == "Transient");
    CHECK(error_retryable(r));
    CHECK_THAT(text(r, "message"), Catch::Contains("still detaching"));
}

TEST_CASE("compshare_disk attach: credentials and service errors", "[attach]") {
    auto emu = free_disk_emulator();
    SECTION("a wrong private key is AuthFailed") {
        plugin_instance plugin(plugin_config(emu, "", "0000000000wrongkey"));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json);
        check_shape(r);
        CHECK(r.error_type() == "AuthFailed");
    }
    SECTION("RetCode 8433 on the attach is ApiError, never re-sent") {
        emu.add_fault(R"({"action":"AttachCompshareDisk","mode":"ret_code","ret_code":8433})");
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json);
        CHECK(r.error_type() == "ApiError");
        CHECK(emu.count(attach) == 1);
    }
    SECTION("bad parameters are InvalidParameter, nothing sent") {
        plugin_instance plugin(plugin_config(emu));
        for (const char* extra :
             {R"("Device":"/dev/vdb")", R"("EnableCrossPodAttach":"Yes")",
              R"("DataDiskType":"a b")", R"("PrivateKey":"x")", R"("WaitTimeoutSeconds":0)"}) {
            INFO(extra);
            const auto r = run_attach(plugin, stopped_host, free_disk, extra);
            check_shape(r);
            CHECK(r.status == AH_INVALID_ARGUMENT);
            CHECK(r.error_type() == "InvalidParameter");
        }
        CHECK(emu.count("DescribeCompShareInstance") == 0);
    }
}

TEST_CASE("compshare_disk attach: an ambiguous failure is re-read before any re-send", "[attach]") {
    auto emu = free_disk_emulator();
    SECTION("the attach went through: never sent again") {
        emu.add_fault(R"({"action":"AttachCompshareDisk","mode":"http_status","status":503,)"
                      R"("apply":"after"})");
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json << "\n" << plugin.transcript());
        CHECK(r.status_text() == "attached");
        CHECK(device(r) == "/dev/vdd");
        CHECK(emu.count(attach) == 1);
        CHECK(plugin.events_named("attach_unconfirmed").size() == 1);
        CHECK(plugin.events_named("attach_resend").empty());
    }
    SECTION("it did not: sent again once") {
        emu.add_fault(R"({"action":"AttachCompshareDisk","mode":"reset"})");
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json);
        CHECK(r.status_text() == "attached");
        CHECK(emu.accepted(attach) == 1);
        CHECK(plugin.events_named("attach_resend").size() == 1);
    }
    SECTION("never confirmed: at most max_retries re-sends, then Transient") {
        emu.add_fault(R"({"action":"AttachCompshareDisk","mode":"http_status","status":503,)"
                      R"("times":1000})");
        plugin_instance plugin(plugin_config(emu, R"("max_retries":2)"));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json);
        CHECK(r.error_type() == "Transient");
        CHECK(r.status_text() == "attach_requested");  // it may have been sent
        CHECK(emu.count(attach) == 3);
        CHECK(emu.accepted(attach) == 0);
    }
    SECTION("an attach in progress (17056) counts as accepted and is never re-sent") {
        emu.add_fault(R"({"action":"AttachCompshareDisk","mode":"ret_code","ret_code":17056})");
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_attach(plugin, stopped_host, free_disk, R"("WaitTimeoutSeconds":0.5)");
        INFO(r.json);
        CHECK(r.status == AH_TIMEOUT);
        CHECK(r.error_type() == "WaitTimeout");
        CHECK(r.status_text() == "attach_requested");
        CHECK(r.result->getObject("response")->getValue<int>("RetCode") == 17056);
        CHECK(emu.count(attach) == 1);
    }
}

TEST_CASE("compshare_disk attach: the inventory unreadable leaves the decision to the attach",
          "[attach]") {
    auto emu = free_disk_emulator();
    emu.add_fault(R"({"action":"DescribeCompshareDisk","mode":"http_status","status":500,)"
                  R"("times":1000})");
    plugin_instance plugin(plugin_config(emu, R"("max_retries":0)"));
    const auto r = run_attach(plugin, stopped_host, free_disk);
    INFO(r.json);
    CHECK(r.status_text() == "attached");
    const auto warnings = r.result->getArray("warnings");
    REQUIRE(warnings->size() == 2);
    CHECK_THAT(warnings->getElement<std::string>(0), Catch::Contains("could not read where"));
}

TEST_CASE("compshare_disk attach: the inventory is never believed alone", "[attach]") {
    auto emu = free_disk_emulator();
    // The inventory says the free disk is on the running instance, which does not list it.
    emu.add_fault(R"({"action":"DescribeCompshareDisk","mode":"body","body":)"
                  R"("{\"Action\":\"DescribeCompshareDiskResponse\",\"RetCode\":0,)"
                  R"(\"TotalCount\":1,\"DiskSet\":[{\"ResourceId\":\"udisk-free\",)"
                  R"(\"MountInstance\":\"uhost-emu-running\",\"Status\":\"InUse\"}]}"})");
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, free_disk);
    INFO(r.json);
    CHECK(r.error_type() == "Transient");
    CHECK_THAT(text(r, "message"), Catch::Contains("disagree"));
    CHECK(emu.count(attach) == 0);
}

TEST_CASE("compshare_disk attach: cancel", "[attach]") {
    auto emu = free_disk_emulator();
    SECTION("before the attach is sent") {
        plugin_instance plugin(plugin_config(emu),
                               [](plugin_instance& self, const std::string& json) {
                                   if (json.find("\"event\":\"precheck\"") != std::string::npos)
                                       self.cancel();
                               });
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json);
        check_shape(r);
        CHECK(r.status == AH_CANCELLED);
        CHECK(r.status_text() == "cancelled");
        CHECK_FALSE(r.result->getValue<bool>("attach_sent"));
        CHECK(emu.count(attach) == 0);
    }
    SECTION("during the wait") {
        plugin_instance plugin(plugin_config(emu),
                               [](plugin_instance& self, const std::string& json) {
                                   if (json.find("\"event\":\"attach_sent\"") != std::string::npos)
                                       self.cancel();
                               });
        const auto r = run_attach(plugin, stopped_host, free_disk, R"("WaitTimeoutSeconds":600)");
        INFO(r.json);
        check_shape(r);
        CHECK(r.status == AH_CANCELLED);
        CHECK(r.status_text() == "attach_requested");
        CHECK(r.result->getValue<bool>("attach_sent"));
        CHECK_THAT(text(r, "message"), Catch::Contains("already been sent"));
        CHECK(emu.accepted(attach) == 1);
    }
}

TEST_CASE("compshare_disk attach: a slow attach is waited for, and never sent twice", "[attach]") {
    auto emu = free_disk_emulator(0, 400);
    SECTION("the disk shows after the attach delay") {
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json);
        CHECK(r.status_text() == "attached");
        CHECK(device(r) == "/dev/vdd");
        CHECK(r.result->getObject("timing")->getValue<int>("polls") >= 3);  // not, then twice
        CHECK(emu.count(attach) == 1);
    }
    SECTION("an unconfirmed attach in progress: re-read, re-sent, 17056, accepted once") {
        emu.add_fault(R"({"action":"AttachCompshareDisk","mode":"http_status","status":502,)"
                      R"("apply":"after"})");
        plugin_instance plugin(plugin_config(emu));
        const auto r = run_attach(plugin, stopped_host, free_disk);
        INFO(r.json << "\n" << plugin.transcript());
        CHECK(r.status_text() == "attached");
        CHECK(r.result->getObject("response")->getValue<int>("RetCode") == 17056);
        CHECK(emu.count(attach) == 2);
        CHECK(emu.accepted(attach) == 1);
    }
}

TEST_CASE("compshare_disk attach: a Zone the instance is not in is InvalidParameter naming both",
          "[attach]") {
    auto emu = free_disk_emulator();
    // A reply (the zone filter aside) that places the instance in another zone.
    emu.add_fault(describe_reply_fault(
        R"({"UHostId":"uhost-emu-stopped","Zone":"cn-wlcb-02","State":"Stopped",)"
        R"("DiskSet":[{"DiskId":"bsd-1","IsBoot":"True","Drive":"/dev/vda"}]})"));
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, free_disk, R"("Zone":"cn-wlcb-01")");
    INFO(r.json);
    check_shape(r);
    CHECK(r.status == AH_INVALID_ARGUMENT);
    CHECK(r.error_type() == "InvalidParameter");
    CHECK_THAT(text(r, "message"), Catch::Contains("cn-wlcb-01") && Catch::Contains("cn-wlcb-02"));
    CHECK(emu.count(attach) == 0);
}

TEST_CASE("compshare_disk attach: a disk listed without a device is not taken as attached",
          "[attach]") {
    auto emu = free_disk_emulator();
    // The disk already listed, but with a Drive that is no device path: not believed.
    emu.add_fault(describe_reply_fault(
        R"({"UHostId":"uhost-emu-stopped","Zone":"cn-wlcb-01","State":"Stopped","DiskSet":[)"
        R"({"DiskId":"bsd-1","IsBoot":"True","Drive":"/dev/vda"},)"
        R"({"DiskId":"udisk-free","IsBoot":"False","Drive":""}]})"));
    plugin_instance plugin(plugin_config(emu));
    const auto r = run_attach(plugin, stopped_host, free_disk);
    INFO(r.json);
    CHECK(r.error_type() == "Transient");
    CHECK_THAT(text(r, "message"), Catch::Contains("malformed reply"));
    CHECK(emu.count(attach) == 0);
}
