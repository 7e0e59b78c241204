// libFuzzer target: the parameters of attach and status. Every input either parses into
// parameters within the documented limits or throws invalid_parameter; anything else (another
// exception, a crash, a leak) is a finding.
#include "actions/attach_params.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace compshare::detach;

void require(bool condition) {
    if (!condition)
        std::abort();
}

// An id parameter: empty only where optional, else 1-64 characters passing the id rule.
void require_id(const std::string& id, bool optional) {
    require(optional ? (id.empty() || is_valid_id(id)) : is_valid_id(id));
}

template <class Parse>
void try_parse(std::string_view json, Parse parse) {
    try {
        parse(json);
        require(json.size() <= max_params_bytes);
    } catch (const invalid_parameter& e) {
        require(e.what()[0] != '\0');  // a message people can read
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    for (const char* region : {"cn-wlcb", ""}) {
        try_parse(json, [&](std::string_view text) {
            const auto p = parse_attach_params(text, region, true);
            require_id(p.region, false);
            require_id(p.zone, true);
            require_id(p.uhost_id, false);
            require_id(p.udisk_id, false);
            require_id(p.data_disk_type, true);
            require_id(p.project_id, true);
            const auto& c = p.controls;
            require(c.wait_timeout_seconds >= min_wait_timeout_seconds &&
                    c.wait_timeout_seconds <= max_wait_timeout_seconds);
            require(c.poll_interval_seconds >= min_poll_interval_seconds &&
                    c.poll_interval_seconds <= max_poll_interval_seconds);
            require(!c.client_token || c.client_token->size() <= 4 * max_client_token_length);
        });
        try_parse(json, [&](std::string_view text) {
            const auto p = parse_status_params(text, region, true);
            require_id(p.region, false);
            require_id(p.uhost_id, false);
            require_id(p.udisk_id, true);
        });
    }
    try_parse(json, [](std::string_view text) { (void)parse_status_params(text, "", false); });
    return 0;
}
