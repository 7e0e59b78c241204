// A disk that is not in the instance's DiskSet: the disk inventory (DescribeCompshareDisk) is
// asked as a second opinion. Free → already_detached; attached elsewhere → DiskAttachedElsewhere;
// unknown → DiskNotFound; inventory unreadable → already_detached with a warning. The BUILT
// plugin against the in-process emulator.
#include "scenario_support.hpp"

#include <actionhost/plugin.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

const char* detach = "DetachCompshareDisk";
const char* inventory = "DescribeCompshareDisk";

std::string message_of(const invocation& r) {
    return r.result->getValue<std::string>("message");
}

}  // namespace

TEST_CASE("compshare_disk second opinion: a mistyped disk id is DiskNotFound", "[second_opinion]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, "udisk-TYPO"));
    INFO(r.json);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "DiskNotFound");
    CHECK(r.status_text() == "failed");
    CHECK_FALSE(r.result->getValue<bool>("changed"));
    CHECK_FALSE(r.result->getValue<bool>("detach_sent"));
    CHECK_FALSE(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK(message_of(r) ==
          "udisk-TYPO is not attached to uhost-emu-stopped (instance Stopped) and no disk "
          "udisk-TYPO is listed in region cn-wlcb (DescribeCompshareDisk); nothing was sent");
    CHECK(r.result->getValue<std::string>("hint") ==
          "Check UDiskId and Region: no disk with that id is listed in the region. Nothing was "
          "sent.");
    CHECK_FALSE(r.result->getObject("observed")->getValue<bool>("attached_before"));
    CHECK(emu.count(inventory) == 1);
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk second opinion: a disk on another instance is DiskAttachedElsewhere",
          "[second_opinion]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data3));  // on running_host
    INFO(r.json);
    CHECK(r.status == AH_ERROR);
    CHECK(r.error_type() == "DiskAttachedElsewhere");
    CHECK(r.status_text() == "failed");
    CHECK(message_of(r) ==
          "udisk-emu-data3 is attached to uhost-emu-running, not to uhost-emu-stopped "
          "(DescribeCompshareDisk, Status InUse); nothing was sent");
    CHECK_THAT(r.result->getValue<std::string>("hint"), Catch::StartsWith("The disk is attached"));
    CHECK(emu.count(detach) == 0);
    // A dry run refuses it just the same.
    CHECK(plugin.invoke(detach_params(stopped_host, data3, R"("DryRun":true)")).error_type() ==
          "DiskAttachedElsewhere");
}

TEST_CASE("compshare_disk second opinion: a free disk is already detached", "[second_opinion]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    REQUIRE(plugin.invoke(detach_params(stopped_host, data2)).status == AH_OK);
    const auto r = plugin.invoke(detach_params(stopped_host, data2, R"("DryRun":true)"));
    INFO(r.json);
    CHECK(r.status == AH_OK);
    CHECK(r.status_text() == "already_detached");
    CHECK(message_of(r) ==
          "udisk-emu-data2 is not attached to uhost-emu-stopped (instance Stopped) and "
          "DescribeCompshareDisk lists it as free; nothing to do");
}

TEST_CASE("compshare_disk second opinion: the inventory is read page by page", "[second_opinion]") {
    // 230 free disks; the one asked for is the last, on the third page of 100.
    std::string free_disks;
    for (int i = 0; i < 230; ++i) {
        free_disks += std::string(i == 0 ? "" : ",") + "{\"DiskId\":\"udisk-free-" +
                      std::to_string(i) + "\",\"Region\":\"cn-wlcb\",\"Zone\":\"cn-wlcb-01\"," +
                      "\"Size\":10}";
    }
    std::string state = state_with(instance_json("uhost-p", "Stopped", {}));
    state.replace(state.rfind("\"Disks\":[]"), 10, "\"Disks\":[" + free_disks + "]");
    server emu(emulator_options(state));
    plugin_instance plugin(plugin_config(emu));
    auto r = plugin.invoke(detach_params("uhost-p", "udisk-free-229"));
    INFO(r.json);
    CHECK(r.status_text() == "already_detached");
    CHECK(emu.count(inventory) == 3);
    r = plugin.invoke(detach_params("uhost-p", "udisk-free-230"));
    CHECK(r.error_type() == "DiskNotFound");
    CHECK(emu.count(inventory) == 6);
}

TEST_CASE(
    "compshare_disk second opinion: an unreadable inventory leaves already_detached with a "
    "warning",
    "[second_opinion]") {
    const std::vector<std::pair<const char*, std::string>> failures = {
        {"the action does not exist",
         R"("mode":"ret_code","ret_code":161,"message":"Action [DescribeCompshareDisk] does not exist")"},
        {"HTTP 500", R"("mode":"http_status","status":500)"},
        {"a reset on every attempt", R"("mode":"reset")"},
        {"a malformed body", R"("mode":"malformed_json")"},
        {"a reply without DiskSet", R"("mode":"body","body":"{\"RetCode\":0,\"TotalCount\":3}")"},
        {"a MountInstance that is not an id",
         R"("mode":"body","body":"{\"RetCode\":0,\"TotalCount\":1,\"DiskSet\":[{\"ResourceId\":\"udisk-TYPO\",\"MountInstance\":\"u\\u001b[2J\"}]}")"},
        {"the disk listed twice",
         R"("mode":"body","body":"{\"RetCode\":0,\"TotalCount\":2,\"DiskSet\":[{\"ResourceId\":\"udisk-TYPO\"},{\"ResourceId\":\"udisk-TYPO\"}]}")"},
    };
    for (const auto& [name, fault] : failures) {
        DYNAMIC_SECTION(name) {
            server emu(emulator_options());
            emu.add_fault(std::string(R"({"action":"DescribeCompshareDisk","times":100,)") + fault +
                          "}");
            plugin_instance plugin(plugin_config(emu, R"("max_retries":0)"));
            const auto r = plugin.invoke(detach_params(stopped_host, "udisk-TYPO"));
            INFO(r.json);
            CHECK(r.status == AH_OK);
            CHECK(r.status_text() == "already_detached");
            CHECK(message_of(r) ==
                  "udisk-TYPO is not attached to uhost-emu-stopped (instance Stopped); nothing to "
                  "do");
            const auto warnings = r.result->getArray("warnings");
            REQUIRE(warnings->size() == 1);
            const auto warning = warnings->getElement<std::string>(0);
            CHECK_THAT(warning, Catch::StartsWith("could not confirm that udisk-TYPO exists (") &&
                                    Catch::EndsWith("): a mistyped UDiskId also looks already "
                                                    "detached"));
            CHECK(warning.find('\x1b') == std::string::npos);
            CHECK(emu.count(detach) == 0);
        }
    }
}

TEST_CASE("compshare_disk second opinion: reads that disagree are Transient", "[second_opinion]") {
    server emu(emulator_options());
    // The instance does not list the disk; the inventory says it is mounted on that instance.
    emu.add_fault(
        R"({"action":"DescribeCompshareDisk","mode":"body","body":"{\"RetCode\":0,\"TotalCount\":1,\"DiskSet\":[{\"ResourceId\":\"udisk-x\",\"MountInstance\":\"uhost-emu-stopped\"}]}"})");
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, "udisk-x"));
    INFO(r.json);
    CHECK(r.error_type() == "Transient");
    CHECK(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK(message_of(r) ==
          "udisk-x is not attached to uhost-emu-stopped (instance Stopped), but "
          "DescribeCompshareDisk lists it as mounted there; the two reads disagree; nothing was "
          "sent");
    CHECK(emu.count(detach) == 0);
}

TEST_CASE("compshare_disk second opinion: a cancel during it is Cancelled, nothing sent",
          "[second_opinion]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu), [](plugin_instance& self, const std::string& json) {
        if (json.find("\"event\":\"precheck\"") != std::string::npos)
            self.cancel();
    });
    const auto r = plugin.invoke(detach_params(stopped_host, "udisk-TYPO"));
    INFO(r.json);
    CHECK(r.status == AH_CANCELLED);
    CHECK(r.status_text() == "cancelled");
    CHECK_FALSE(r.result->getValue<bool>("detach_sent"));
    CHECK(message_of(r) ==
          "cancelled during DescribeCompshareDisk for udisk-TYPO; no detach request was sent");
}
