#include "scenario_support.hpp"

#include <actionhost/plugin.hpp>

#include <catch2/catch.hpp>

#include <sstream>

namespace compshare_disk_test {

compshare_emulator::options emulator_options(std::string state_json, int detach_delay_ms,
                                             int attach_delay_ms) {
    compshare_emulator::options opts;
    opts.state_json = std::move(state_json);
    opts.detach_delay_ms = detach_delay_ms;
    opts.attach_delay_ms = attach_delay_ms;
    return opts;
}

std::string plugin_config(const compshare_emulator::server& server, const std::string& extra,
                          const std::string& private_key, const std::string& public_key) {
    std::string json = "{\"public_key\":" + actionhost::json_quote(public_key) +
                       ",\"private_key\":" + actionhost::json_quote(private_key) +
                       ",\"base_url\":" + actionhost::json_quote(server.base_url()) +
                       ",\"region\":\"cn-wlcb\"";
    if (!extra.empty())
        json += "," + extra;
    return json + "}";
}

std::string detach_params(const std::string& host, const std::string& disk,
                          const std::string& extra) {
    std::string json = "{\"UHostId\":" + actionhost::json_quote(host) +
                       ",\"UDiskId\":" + actionhost::json_quote(disk) +
                       ",\"PollIntervalSeconds\":0.1";
    if (!extra.empty())
        json += "," + extra;
    return json + "}";
}

std::string state_with(const std::string& instances_json, const std::string& extra_key_pairs) {
    std::string pairs =
        "{\"PublicKey\":" + actionhost::json_quote(compshare_emulator::default_public_key) +
        ",\"PrivateKey\":" + actionhost::json_quote(compshare_emulator::default_private_key) + "}";
    if (!extra_key_pairs.empty())
        pairs += "," + extra_key_pairs;
    return "{\"KeyPairs\":[" + pairs + "],\"Instances\":[" + instances_json + "],\"Disks\":[]}";
}

std::string instance_json(const std::string& id, const std::string& state,
                          const std::vector<std::pair<std::string, std::string>>& data_disks,
                          const std::string& extra_members) {
    std::string disks = "{\"DiskId\":" + actionhost::json_quote("bsd-" + id) +
                        R"(,"DiskType":"CLOUD_SSD","IsBoot":"True","Drive":"/dev/vda","Size":100})";
    for (const auto& [disk, drive] : data_disks) {
        disks += ",{\"DiskId\":" + actionhost::json_quote(disk) +
                 ",\"DiskType\":\"CLOUD_SSD\",\"IsBoot\":\"False\",\"Drive\":" +
                 actionhost::json_quote(drive) + ",\"Size\":200}";
    }
    std::string json = "{\"UHostId\":" + actionhost::json_quote(id) +
                       ",\"Region\":\"cn-wlcb\",\"Zone\":\"cn-wlcb-01\",\"Name\":\"t\",\"State\":" +
                       actionhost::json_quote(state) + ",\"DiskSet\":[" + disks + "]";
    if (!extra_members.empty())
        json += "," + extra_members;
    return json + "}";
}

std::string default_state_with_free_disks(const std::string& disks_json) {
    auto state = parse_json_object(compshare_emulator::default_state_json());
    const auto holder = parse_json_object("{\"Disks\":[" + disks_json + "]}");
    state->set("Disks", holder->getArray("Disks"));
    std::ostringstream out;
    state->stringify(out);
    return out.str();
}

std::string free_disk_json(const std::string& id, const std::string& zone) {
    return "{\"DiskId\":" + actionhost::json_quote(id) +
           ",\"Region\":\"cn-wlcb\",\"Zone\":" + actionhost::json_quote(zone) + ",\"Size\":200}";
}

std::string describe_reply_fault(const std::string& hosts_json, int times) {
    const std::string body =
        R"({"Action":"DescribeCompShareInstanceResponse","RetCode":0,"UHostSet":[)" + hosts_json +
        "]}";
    return R"({"action":"DescribeCompShareInstance","mode":"body","times":)" +
           std::to_string(times) + ",\"body\":" + actionhost::json_quote(body) + "}";
}

std::vector<std::string> logged_actions(const compshare_emulator::server& server) {
    const auto log = parse_json_object(server.requests_json())->getArray("requests");
    std::vector<std::string> actions;
    for (std::size_t i = 0; i < log->size(); ++i)
        actions.push_back(
            log->getObject(static_cast<unsigned>(i))->getValue<std::string>("action"));
    return actions;
}

void check_no_canaries(const std::string& text, const std::vector<std::string>& canaries) {
    for (const auto& canary : canaries) {
        INFO("canary " << canary);
        CHECK(text.find(canary) == std::string::npos);
    }
}

}  // namespace compshare_disk_test
