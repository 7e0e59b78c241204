// libFuzzer target: the detach action's parameter parsing and validation. Every input either
// parses into parameters that satisfy the documented limits or throws invalid_parameter;
// anything else (another exception, a crash, a leak) is a finding.
#include "actions/detach_params.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace compshare::detach;

void check(bool condition) {
    if (!condition)
        std::abort();
}

void check_limits(const detach_params& p) {
    check(!p.uhost_id.empty() && p.uhost_id.size() <= max_id_length);
    check(!p.udisk_id.empty() && p.udisk_id.size() <= max_id_length);
    check(p.zone.size() <= max_id_length && p.region.size() <= max_id_length);
    check(p.device.empty() || p.device.compare(0, 5, "/dev/") == 0);
    check(p.device.size() <= max_device_length);
    check(p.wait_timeout_seconds >= min_wait_timeout_seconds &&
          p.wait_timeout_seconds <= max_wait_timeout_seconds);
    check(p.poll_interval_seconds >= min_poll_interval_seconds &&
          p.poll_interval_seconds <= max_poll_interval_seconds);
    check(!p.client_token || p.client_token->size() <= 4 * max_client_token_length);
}

void parse_one(std::string_view json, const std::string& region, bool require_region) {
    try {
        const auto params = parse_detach_params(json, region, require_region);
        check_limits(params);
        check(json.size() <= max_params_bytes);
        if (require_region)
            check(!params.region.empty());
    } catch (const invalid_parameter& e) {
        check(e.what()[0] != '\0');  // a message people can read
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    parse_one(json, "cn-wlcb", true);  // the usual case: a config region
    parse_one(json, "", true);         // no default region: Region must come from the params
    parse_one(json, "", false);        // an instance without credentials
    (void)is_credential_like_key(json);
    return 0;
}
