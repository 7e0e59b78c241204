// Shared pieces of the scenario tests: an emulator with a given state, the plugin config that
// points at it, and the secret check.
#pragma once

#include "plugin_harness.hpp"

#include <compshare_emulator/server.hpp>

#include <string>
#include <vector>

namespace compshare_disk_test {

// The emulator's default instances (see compshare_emulator's default state).
inline constexpr const char* stopped_host = "uhost-emu-stopped";
inline constexpr const char* running_host = "uhost-emu-running";
inline constexpr const char* data1 = "udisk-emu-data1";  // /dev/vdb on stopped_host
inline constexpr const char* data2 = "udisk-emu-data2";  // /dev/vdc on stopped_host
inline constexpr const char* data3 = "udisk-emu-data3";  // /dev/vdb on running_host
inline constexpr const char* system_disk = "bsd-emu-system";

compshare_emulator::options emulator_options(std::string state_json = "", int detach_delay_ms = 0,
                                             int attach_delay_ms = 0);

// {"public_key", "private_key", "base_url", "region": "cn-wlcb"} plus `extra` members
// (e.g. R"("timeout_seconds": 0.5)").
std::string plugin_config(const compshare_emulator::server& server, const std::string& extra = "",
                          const std::string& private_key = compshare_emulator::default_private_key,
                          const std::string& public_key = compshare_emulator::default_public_key);

// {"UHostId": host, "UDiskId": disk, "PollIntervalSeconds": 0.1} plus `extra` members.
std::string detach_params(const std::string& host, const std::string& disk,
                          const std::string& extra = "");

// {"UHostId": host, "UDiskId": disk, "PollIntervalSeconds": 0.1} plus `extra` members, for
// attach and status (the same shape as detach's).
inline std::string disk_params(const std::string& host, const std::string& disk,
                               const std::string& extra = "") {
    return detach_params(host, disk, extra);
}

// The emulator's default state plus unattached disks (a JSON array's members), e.g.
// free_disk_json("udisk-free").
std::string default_state_with_free_disks(const std::string& disks_json);
// One unattached disk of the default instances' region and zone (200 GB).
std::string free_disk_json(const std::string& id, const std::string& zone = "cn-wlcb-01");
inline constexpr const char* free_disk = "udisk-free";

// A fault document: the next `times` DescribeCompShareInstance answered with RetCode 0 and
// exactly these instances (JSON objects, comma-separated) in their UHostSet.
std::string describe_reply_fault(const std::string& hosts_json, int times = 1);

// The actions the emulator's request log holds, in order.
std::vector<std::string> logged_actions(const compshare_emulator::server& server);

// A state document: the default key pair (and `extra_key_pairs`), with the given instances.
std::string state_with(const std::string& instances_json, const std::string& extra_key_pairs = "");

// One instance of a state document with one system disk (bsd-<id>, /dev/vda) and the given data
// disks ({"DiskId": ..., "Drive": ...} pairs).
std::string instance_json(const std::string& id, const std::string& state,
                          const std::vector<std::pair<std::string, std::string>>& data_disks,
                          const std::string& extra_members = "");

// Checks that no canary occurs in the text (each one reported by name).
void check_no_canaries(const std::string& text, const std::vector<std::string>& canaries);

}  // namespace compshare_disk_test
