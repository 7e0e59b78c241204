// Unit tests of the DescribeCompShareInstance parser: the fields the action needs, the shapes
// the service may use, malformed replies, and nothing secret kept.
#include "actions/instance_view.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using compshare::detach::malformed_response;
using compshare::detach::normalize_drive;
using compshare::detach::parse_describe;

namespace {

const char* sample = R"({
  "Action": "DescribeCompShareInstanceResponse", "RetCode": 0, "TotalCount": 2,
  "UHostSet": [
    {"UHostId": "uhost-other", "State": "Running", "DiskSet": []},
    {"UHostId": "uhost-1", "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "State": "Stopped",
     "Password": "Q0FOQVJZ", "SshLoginCommand": "ssh root@192.0.2.1",
     "DiskSet": [
       {"DiskId": "bsd-1", "IsBoot": "True", "Drive": "/dev/vda", "Size": 100},
       {"DiskId": "udisk-1", "IsBoot": "False", "Drive": "vdb", "Size": 200},
       {"DiskId": "udisk-2", "IsBoot": false, "Drive": "/dev/vdc"},
       {"DiskId": "udisk-3", "Type": "Boot"},
       {"DiskId": "udisk-4", "IsBoot": "false", "Drive": null}
     ]}
  ]})";

}  // namespace

TEST_CASE("compshare_disk describe: finds the instance and its disks", "[describe]") {
    const auto view = parse_describe(sample, "uhost-1");
    REQUIRE(view);
    CHECK(view->uhost_id == "uhost-1");
    CHECK(view->state == "Stopped");
    CHECK(view->region == "cn-wlcb");
    CHECK(view->zone == "cn-wlcb-01");
    REQUIRE(view->disks.size() == 5);
    CHECK(view->disks[0].is_boot);
    CHECK(view->disks[0].drive == "/dev/vda");
    CHECK_FALSE(view->disks[1].is_boot);
    CHECK(view->disks[1].drive == "/dev/vdb");  // normalised
    CHECK_FALSE(view->disks[2].is_boot);        // a JSON boolean is accepted too
    CHECK(view->disks[3].is_boot);              // the deprecated Type "Boot"
    CHECK(view->disks[4].drive.empty());
    REQUIRE(view->find_disk("udisk-2") != nullptr);
    CHECK(view->find_disk("udisk-2")->drive == "/dev/vdc");
    CHECK(view->find_disk("udisk-9") == nullptr);
}

TEST_CASE("compshare_disk describe: an instance that is not listed", "[describe]") {
    CHECK_FALSE(parse_describe(sample, "uhost-9"));
    CHECK_FALSE(parse_describe(R"({"RetCode":0,"TotalCount":0,"UHostSet":[]})", "uhost-1"));
    // Another instance only: never mistaken for ours.
    CHECK_FALSE(
        parse_describe(R"({"UHostSet":[{"UHostId":"uhost-2","State":"Stopped"}]})", "uhost-1"));
}

TEST_CASE("compshare_disk describe: a reply that cannot describe the instance is malformed",
          "[describe]") {
    // Every instance has a system disk: without one (no DiskSet, an empty one, or only data
    // disks) the reply would make a data disk look detached.
    const char* system_disk = R"({"DiskId":"bsd-1","IsBoot":"True","Drive":"/dev/vda"})";
    const std::vector<std::pair<std::string, std::string>> lies = {
        {R"({"UHostSet":[{"UHostId":"u","State":"Stopped"}]})", "DiskSet is missing"},
        {R"({"UHostSet":[{"UHostId":"u","DiskSet":null}]})", "DiskSet is missing"},
        {R"({"UHostSet":[{"UHostId":"u","DiskSet":[]}]})", "DiskSet is empty"},
        {R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"DiskId":"d","IsBoot":"False"}]}]})",
         "lists no system disk"},
        {std::string(R"({"UHostSet":[{"UHostId":"u","DiskSet":[)") + system_disk +
             R"(,{"DiskId":"d"}]},{"UHostId":"u","DiskSet":[)" + system_disk + "]}]}",
         "lists the instance twice"},
        {std::string(R"({"UHostSet":[{"UHostId":"u","DiskSet":[)") + system_disk + "," +
             system_disk + "]}]}",
         "same DiskId twice"},
        {std::string(R"({"UHostSet":[{"UHostId":"u","Zone":"cn\u001b[2J","DiskSet":[)") +
             system_disk + "]}]}",
         "Zone is not a zone id"},
    };
    for (const auto& [reply, why] : lies) {
        INFO(reply);
        CHECK_THROWS_WITH(parse_describe(reply, "u"), Catch::Contains(why));
    }
    // Another instance listed twice is not ours to judge.
    CHECK_FALSE(parse_describe(R"({"UHostSet":[{"UHostId":"x"},{"UHostId":"x"}]})", "u"));
}

TEST_CASE("compshare_disk describe: server text is cleaned before it can be quoted", "[describe]") {
    const auto view = parse_describe(
        R"({"UHostSet":[{"UHostId":"u","State":"Stop\u001b[31mped\r\n","Region":"r\u0007",
                 "DiskSet":[{"DiskId":"bsd-1","IsBoot":"True","Drive":"/dev/vda"}]}]})",
        "u");
    REQUIRE(view);
    CHECK(view->state == "Stop[31mped");  // control characters dropped (clean_text)
    CHECK(view->region == "r");
    const auto unknown = parse_describe(
        R"({"UHostSet":[{"UHostId":"u","State":"","DiskSet":[{"DiskId":"b","Type":"Boot"}]}]})",
        "u");
    REQUIRE(unknown);
    CHECK(unknown->state.empty());  // "" = unknown to the service
}

TEST_CASE("compshare_disk describe: malformed replies", "[describe]") {
    for (const char* bad : {
             R"({"RetCode":0})",
             R"({"UHostSet":{}})",
             R"({"UHostSet":[5]})",
             R"({"UHostSet":[{"UHostId":7}]})",
             R"({"UHostSet":[{"UHostId":"u","State":3}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":"x"}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":["x"]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"Drive":"/dev/vdb"}]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"DiskId":"d","IsBoot":"maybe"}]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"DiskId":"d","IsBoot":1}]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"DiskId":"d","Drive":5}]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"DiskId":"d","DiskId":"e"}]}]})",
             R"({"UHostSet":[{"UHostId":"u","DiskSet":[{"DiskId":"d","IsBoot":true}] )",
         }) {
        INFO(bad);
        CHECK_THROWS_AS(parse_describe(bad, "u"), malformed_response);
    }
}

TEST_CASE("compshare_disk describe: normalize_drive", "[describe]") {
    CHECK(normalize_drive("") == "");
    CHECK(normalize_drive("vdb") == "/dev/vdb");
    CHECK(normalize_drive("/dev/vdb") == "/dev/vdb");
}
