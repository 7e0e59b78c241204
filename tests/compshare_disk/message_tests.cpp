// The action's messages say what happened: no claim the plugin cannot know ("no detach is in
// progress"), no poll counted that was never sent, no action name twice, singular and plural
// right. Exact wording, so that a regression shows. The BUILT plugin against the emulator.
#include "actions/action_support.hpp"
#include "scenario_support.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace compshare_disk_test;
using compshare_emulator::server;

namespace {

const char* detach = "DetachCompshareDisk";

std::string message_of(const invocation& r) {
    return r.result->getValue<std::string>("message");
}

std::size_t occurrences(const std::string& text, const std::string& word) {
    std::size_t count = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("compshare_disk messages: re-sends claim nothing about a detach in progress",
          "[messages]") {
    server emu(emulator_options());
    emu.add_fault(
        R"({"action":"DetachCompshareDisk","mode":"http_status","status":503,"times":1000})");
    plugin_instance plugin(plugin_config(emu, R"("max_retries":2)"));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    const auto resends = plugin.events_named("detach_resend");
    REQUIRE(resends.size() == 2);
    CHECK(resends[0]->getValue<std::string>("message") ==
          "udisk-emu-data1 is still attached to uhost-emu-stopped after an unconfirmed "
          "DetachCompshareDisk; sending it again (re-send 1 of 2)");
    CHECK(message_of(r) ==
          "DetachCompshareDisk of udisk-emu-data1 from uhost-emu-stopped could not be confirmed "
          "after 3 sends; the disk is still attached");
    CHECK(plugin.transcript().find("no detach is in progress") == std::string::npos);
}

TEST_CASE("compshare_disk messages: one send is \"1 send\"", "[messages]") {
    server emu(emulator_options());
    emu.add_fault(
        R"({"action":"DetachCompshareDisk","mode":"http_status","status":503,"times":1000})");
    plugin_instance plugin(plugin_config(emu, R"("max_retries":0)"));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK(message_of(r) ==
          "DetachCompshareDisk of udisk-emu-data1 from uhost-emu-stopped could not be confirmed "
          "after 1 send; the disk is still attached");
    CHECK(emu.count(detach) == 1);
}

TEST_CASE("compshare_disk messages: a poll the deadline prevented is not counted", "[messages]") {
    server emu(emulator_options("", 60000));
    plugin_instance plugin(plugin_config(emu));
    // The first nap reaches the deadline: no poll can be sent.
    const auto r = plugin.invoke(R"({"UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1",)"
                                 R"("PollIntervalSeconds":60,"WaitTimeoutSeconds":0.3})");
    INFO(r.json);
    CHECK(r.error_type() == "WaitTimeout");
    CHECK(r.result->getObject("timing")->getValue<int>("polls") == 0);
    CHECK(plugin.events_named("poll_failed").empty());
    CHECK(plugin.events_named("poll").empty());
    CHECK(message_of(r) ==
          "udisk-emu-data1 could not be confirmed detached from uhost-emu-stopped within 0.3 s "
          "(no poll was sent)");
    CHECK(emu.count("DescribeCompShareInstance") == 1);  // the precheck only
}

TEST_CASE("compshare_disk messages: one poll is \"1 poll\"", "[messages]") {
    server emu(emulator_options("", 60000));
    plugin_instance plugin(plugin_config(emu));
    // One poll at 0.2 s; the next nap ends at the deadline.
    const auto r = plugin.invoke(R"({"UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1",)"
                                 R"("PollIntervalSeconds":0.2,"WaitTimeoutSeconds":0.3})");
    INFO(r.json);
    CHECK(r.error_type() == "WaitTimeout");
    CHECK(r.result->getObject("timing")->getValue<int>("polls") == 1);
    CHECK(message_of(r) ==
          "udisk-emu-data1 was still attached to uhost-emu-stopped after waiting 0.3 s (1 poll)");
    const auto polls = plugin.events_named("poll");
    REQUIRE(polls.size() == 1);
    CHECK(polls[0]->getValue<std::string>("message") ==
          "poll 1: udisk-emu-data1 still attached, instance Stopped");
}

TEST_CASE("compshare_disk messages: a poll says what it saw, not \"detached\"", "[messages]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    const auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    REQUIRE(r.status_text() == "detached");
    const auto polls = plugin.events_named("poll");
    REQUIRE(polls.size() == 2);
    CHECK(polls[0]->getValue<std::string>("message") ==
          "poll 1: udisk-emu-data1 not in the DiskSet, instance Stopped");
}

TEST_CASE("compshare_disk messages: the action is named once", "[messages]") {
    server emu(emulator_options());
    plugin_instance plugin(plugin_config(emu));
    emu.add_fault(R"({"action":"DescribeCompShareInstance","mode":"ret_code","ret_code":226601,)"
                  R"("message":"injected"})");
    auto r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK_THAT(message_of(r),
               Catch::StartsWith(
                   "DescribeCompShareInstance for uhost-emu-stopped: RetCode 226601: injected"));
    CHECK(occurrences(message_of(r), "DescribeCompShareInstance") == 1);

    emu.add_fault(
        R"({"action":"DetachCompshareDisk","mode":"ret_code","ret_code":230,"message":"injected"})");
    r = plugin.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK_THAT(message_of(r), Catch::StartsWith("DetachCompshareDisk of udisk-emu-data1 from "
                                                "uhost-emu-stopped: RetCode 230: injected"));
    CHECK(occurrences(message_of(r), "DetachCompshareDisk") == 1);
}

TEST_CASE("compshare_disk messages: one attempt is \"1 attempt\"", "[messages]") {
    server emu(emulator_options());
    emu.add_fault(
        R"({"action":"DescribeCompShareInstance","mode":"http_status","status":503,"times":10})");
    plugin_instance once(plugin_config(emu, R"("max_retries":0)"));
    auto r = once.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK_THAT(message_of(r), Catch::Contains("HTTP 503 Service Unavailable") &&
                                  Catch::EndsWith("(gave up after 1 attempt)"));
    emu.clear_faults();
    emu.add_fault(
        R"({"action":"DescribeCompShareInstance","mode":"http_status","status":503,"times":10})");
    plugin_instance twice(plugin_config(emu, R"("max_retries":1)"));
    r = twice.invoke(detach_params(stopped_host, data1));
    INFO(r.json);
    CHECK_THAT(message_of(r), Catch::EndsWith("(gave up after 2 attempts)"));
}

TEST_CASE("compshare_disk messages: concat joins its parts in order", "[messages]") {
    using compshare::detach::concat;
    const std::string id = "udisk-with-a-long-name-1";
    CHECK(concat({"detach of ", id, " from ", "uhost-1", ""}) ==
          "detach of udisk-with-a-long-name-1 from uhost-1");
    CHECK(concat({}).empty());
}
