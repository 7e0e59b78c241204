// Replies that lie or carry hostile text, and how they are classified: an instance without a
// system disk (or listed twice) is malformed, never "the disk left"; State and Drive are cleaned
// or checked before they are quoted or used; the private key never leaves; RetCode 8433 is
// ApiError; State "" is Transient. The BUILT plugin against the in-process emulator.
#include "actions/progress.hpp"
#include "actions/secret_scrub.hpp"
#include "scenario_support.hpp"

#include <actionhost/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

const char* detach = "DetachCompshareDisk";

// A DescribeCompShareInstance canned reply listing `hosts_json` (an emulator "body" fault).
const std::string system_disk_json =
    R"({"DiskId":"bsd-emu-system","IsBoot":"True","Drive":"/dev/vda"})";
const std::string data1_disk_json =
    R"({"DiskId":"udisk-emu-data1","IsBoot":"False","Drive":"/dev/vdb"})";

std::string stopped_host_json(const std::string& disk_set_member) {
    return R"({"UHostId":"uhost-emu-stopped","Zone":"cn-wlcb-01","State":"Stopped")" +
           disk_set_member + "}";
}

std::size_t occurrences(const std::string& text, const std::string& word) {
    std::size_t count = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1))
        ++count;
    return count;
}

// Whether the emulator still lists the disk in some instance's DiskSet.
bool still_attached(const server& s, const std::string& disk) {
    const auto hosts = parse_json_object(s.state_json())->getArray("Instances");
    for (std::size_t i = 0; i < hosts->size(); ++i) {
        const auto disks = hosts->getObject(static_cast<unsigned>(i))->getArray("DiskSet");
        for (std::size_t k = 0; k < disks->size(); ++k) {
            if (disks->getObject(static_cast<unsigned>(k))->getValue<std::string>("DiskId") == disk)
                return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("compshare_disk lying replies: at the precheck, never already_detached", "[replies]") {
    const std::vector<std::pair<const char*, std::string>> lies = {
        {"no DiskSet", stopped_host_json("")},
        {"an empty DiskSet", stopped_host_json(R"(,"DiskSet":[])")},
        {"a DiskSet without the system disk",
         stopped_host_json(R"(,"DiskSet":[{"DiskId":"udisk-emu-data2","Drive":"/dev/vdc"}])")},
        {"the instance listed twice",
         stopped_host_json(",\"DiskSet\":[" + system_disk_json + "]") + "," +
             stopped_host_json(",\"DiskSet\":[" + system_disk_json + "," + data1_disk_json + "]")},
    };
    for (const auto& [name, hosts] : lies) {
        DYNAMIC_SECTION(name) {
            server emu(emulator_options());
            emu.add_fault(describe_reply_fault(hosts));
            plugin_instance plugin(plugin_config(emu));
            const auto r = plugin.invoke(detach_params(stopped_host, data1));
            INFO(r.json);
            CHECK(r.error_type() == "Transient");
            CHECK(r.status_text() == "failed");
            CHECK(r.result->getObject("error")->getValue<bool>("retryable"));
            CHECK_THAT(r.result->getValue<std::string>("message"),
                       Catch::StartsWith("DescribeCompShareInstance for uhost-emu-stopped: "
                                         "malformed reply ("));
            CHECK(occurrences(r.result->getValue<std::string>("message"),
                              "DescribeCompShareInstance") == 1);
            CHECK(emu.count(detach) == 0);
            CHECK(still_attached(emu, data1));
        }
    }
}

TEST_CASE("compshare_disk lying replies: polls without the system disk never confirm a detach",
          "[replies]") {
    // The detach takes a minute; every poll is answered with an instance that has no DiskSet.
    // The wait is long enough for a poll even on a loaded machine.
    server emu(emulator_options("", 60000));
    emu.add_fault(describe_reply_fault(stopped_host_json(""), 1000));
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(
        stopped_host, data1, R"("Precheck":false,"Device":"/dev/vdb","WaitTimeoutSeconds":1.5)"));
    INFO(r.json);
    CHECK(r.status == AH_TIMEOUT);
    CHECK(r.error_type() == "WaitTimeout");
    CHECK(r.status_text() == "detach_requested");
    CHECK(r.result->getObject("observed")->isNull("attached_after"));
    const auto failed = plugin.events_named("poll_failed");
    REQUIRE_FALSE(failed.empty());
    CHECK_THAT(failed[0]->getValue<std::string>("message"),
               Catch::Contains("polling uhost-emu-stopped: malformed DescribeCompShareInstance "
                               "reply (UHostSet[].DiskSet is missing (every instance has a system "
                               "disk))"));
    CHECK(plugin.events_named("poll").empty());  // no read was taken as evidence
    CHECK_THAT(r.result->getValue<std::string>("message"),
               Catch::StartsWith("udisk-emu-data1 could not be confirmed detached from "
                                 "uhost-emu-stopped within 1.5 s (") &&
                   Catch::Contains(", none usable); last poll failure: polling "
                                   "uhost-emu-stopped: malformed DescribeCompShareInstance reply"));
    CHECK(emu.accepted(detach) == 1);
    CHECK(still_attached(emu, data1));
}

TEST_CASE("compshare_disk server text: a State with control characters is quoted cleaned",
          "[replies]") {
    server emu(emulator_options(
        state_with(instance_json("uhost-t", "Run\x1b[31mning\r\n", {{"udisk-t", "/dev/vdb"}}))));
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params("uhost-t", "udisk-t"));
    INFO(r.json);
    CHECK(r.error_type() == "InstanceNotStopped");
    CHECK(r.result->getValue<std::string>("message") ==
          "uhost-t is Run[31mning; DetachCompshareDisk of udisk-t needs the instance Stopped");
    CHECK(r.result->getObject("observed")->getValue<std::string>("instance_state") ==
          "Run[31mning");
    CHECK(plugin.transcript().find("\\u001b") == std::string::npos);
    CHECK(plugin.transcript().find('\x1b') == std::string::npos);
}

TEST_CASE("compshare_disk server text: a Drive that is not a device path is a malformed reply",
          "[replies]") {
    for (const char* drive : {"/dev/vdb\x1b[2J", "../../etc/passwd", "/dev/vd b", "vdb;rm"}) {
        DYNAMIC_SECTION(drive) {
            server emu(emulator_options(
                state_with(instance_json("uhost-d", "Stopped", {{"udisk-d", drive}}))));
            plugin_instance plugin(plugin_config(emu));
            const auto r = plugin.invoke(detach_params("uhost-d", "udisk-d"));
            INFO(r.json);
            CHECK(r.error_type() == "Transient");
            CHECK(r.result->getValue<std::string>("message") ==
                  "DescribeCompShareInstance for uhost-d: malformed reply (DiskSet[].Drive of "
                  "udisk-d is not a device path such as /dev/vdb)");
            CHECK(r.json.find(drive) == std::string::npos);
            CHECK(r.result->getObject("resource")->isNull("device"));
            CHECK(emu.count(detach) == 0);
        }
    }
}

TEST_CASE("compshare_disk server text: the private key is scrubbed from what the service says",
          "[replies][secrets]") {
    const std::string key = compshare_emulator::default_private_key;
    server emu(emulator_options(
        state_with(instance_json("uhost-k", "Running " + key, {{"udisk-k", "/dev/vdb"}}))));
    plugin_instance plugin(plugin_config(emu));
    auto r = plugin.invoke(detach_params("uhost-k", "udisk-k"));
    INFO(r.json);
    CHECK(r.error_type() == "InstanceNotStopped");
    CHECK(r.result->getValue<std::string>("message") ==
          "uhost-k is Running ***; DetachCompshareDisk of udisk-k needs the instance Stopped");
    emu.add_fault(R"({"action":"DescribeCompShareInstance","mode":"ret_code","ret_code":8000,)"
                  R"("message":"signed with )" +
                  key + R"( by mistake"})");
    r = plugin.invoke(detach_params("uhost-k", "udisk-k"));
    CHECK(r.error_type() == "ApiError");
    CHECK(r.result->getObject("error")->getValue<std::string>("api_message") ==
          "signed with *** by mistake");
    // The client's own retry event quotes the Message of a retried RetCode 150.
    emu.add_fault(R"({"action":"DescribeCompShareInstance","mode":"ret_code","ret_code":150,)"
                  R"("message":"busy, key )" +
                  key + R"("})");
    r = plugin.invoke(detach_params("uhost-k", "udisk-k"));
    const auto retries = plugin.events_named("retry");
    REQUIRE(retries.size() == 1);
    CHECK_THAT(retries[0]->getValue<std::string>("message"), Catch::Contains("busy, key ***"));
    CHECK(plugin.transcript().find(key) == std::string::npos);
}

TEST_CASE("compshare_disk secret scrub: every occurrence, in place", "[secrets]") {
    using compshare::detach::scrub_in_place;
    const std::string key = "K3y-0f-8+";
    std::string text = "a " + key + key + " b " + key;
    scrub_in_place(text, key);
    CHECK(text == "a ****** b ***");
    // A key that the marker would complete again is not searched for inside the marker.
    text = "x*" + std::string("********");
    scrub_in_place(text, "********");
    CHECK(text == "x****");
    // A key shorter than min_scrubbed_secret is left alone: it would mangle the text.
    text = "abc";
    scrub_in_place(text, "b");
    CHECK(text == "abc");
    // A text shorter than the key cannot hold it.
    text = key.substr(0, key.size() - 1);
    scrub_in_place(text, key);
    CHECK(text == key.substr(0, key.size() - 1));
    CHECK(compshare::detach::scrub_secret("id " + key, key) == "id ***");
}

namespace {

// The events a progress sends, as the host's log callback gets them.
struct captured_events {
    static void log(void* ctx, ah_log_level, const char* json) {
        static_cast<captured_events*>(ctx)->events.emplace_back(json);
    }
    std::vector<std::string> events;
};

}  // namespace

TEST_CASE("compshare_disk secret scrub: events copy text only to scrub it, and always scrub it",
          "[secrets]") {
    const std::string key = "K3y-0f-8+long";
    captured_events seen;
    ah_host_api api{sizeof(ah_host_api), AH_PLUGIN_API_VERSION, &seen, &captured_events::log};
    actionhost::cancel_signal cancel;
    const actionhost::host host(&api, cancel);
    const std::string uhost = "uhost-s", udisk = "udisk-s";
    const compshare::detach::progress events(host, uhost, udisk, key);
    events.done(false, "failed", "echoed " + key + " twice " + key, 7);
    events.done(true, "detached", "nothing secret here, and longer than the key", 8);
    events.sent("/dev/vdb", "req-" + key, 0);
    events.sent("", "req-1", 8434);
    REQUIRE(seen.events.size() == 4);
    CHECK(seen.events[0] ==
          R"({"event":"done","message":"echoed *** twice ***","uhost_id":"uhost-s",)"
          R"("udisk_id":"udisk-s","ok":false,"status":"failed","elapsed_ms":7})");
    CHECK(seen.events[1] ==
          R"({"event":"done","message":"nothing secret here, and longer than the key",)"
          R"("uhost_id":"uhost-s","udisk_id":"udisk-s","ok":true,"status":"detached",)"
          R"("elapsed_ms":8})");
    CHECK(seen.events[2] ==
          "{\"event\":\"detach_sent\",\"message\":\"DetachCompshareDisk accepted for udisk-s "
          "(/dev/vdb)\",\"uhost_id\":\"uhost-s\",\"udisk_id\":\"udisk-s\",\"device\":\"/dev/vdb\","
          "\"ret_code\":0,\"request_id\":\"req-***\"}");
    CHECK(seen.events[3] ==
          "{\"event\":\"detach_sent\",\"message\":\"DetachCompshareDisk for udisk-s is already in "
          "progress (RetCode 8434)\",\"uhost_id\":\"uhost-s\",\"udisk_id\":\"udisk-s\","
          "\"device\":null,\"ret_code\":8434,\"request_id\":\"req-1\"}");
}

TEST_CASE("compshare_disk classification: RetCode 8433 is ApiError, not retried", "[replies]") {
    server emu(emulator_options());
    emu.add_fault(
        R"({"action":"DescribeCompShareInstance","mode":"ret_code","ret_code":8433,"times":10,)"
        R"("message":"service error, contact support"})");
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK(r.error_type() == "ApiError");
    const auto error = r.result->getObject("error");
    CHECK_FALSE(error->getValue<bool>("retryable"));
    CHECK(error->getValue<int>("ret_code") == 8433);
    CHECK(r.result->getValue<std::string>("hint") ==
          "The service reported an internal error; retrying is unlikely to help. Contact "
          "Compshare support with error.request_id.");
    CHECK(emu.count("DescribeCompShareInstance") == 1);  // asked once
}

TEST_CASE(
    "compshare_disk classification: State \"\" (unknown) is Transient, not "
    "InstanceNotStopped",
    "[replies]") {
    server emu(
        emulator_options(state_with(instance_json("uhost-u", "", {{"udisk-u", "/dev/vdb"}}))));
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params("uhost-u", "udisk-u"));
    INFO(r.json);
    CHECK(r.error_type() == "Transient");
    CHECK(r.result->getObject("error")->getValue<bool>("retryable"));
    CHECK(r.result->getValue<std::string>("message") ==
          "the service does not know the state of uhost-u (State \"\"); DetachCompshareDisk of "
          "udisk-u needs the instance Stopped");
    CHECK(r.result->getObject("observed")->getValue<std::string>("instance_state").empty());
    CHECK(emu.count(detach) == 0);
}
