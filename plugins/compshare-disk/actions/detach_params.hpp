// The `detach` action's parameters: parsed and validated completely before any network call.
// The plugin is the authority on these rules; manifests/compshare-disk.json documents them (its
// params_schema) and a test checks that both accept and refuse the same inputs.
#pragma once

#include "param_reader.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace compshare::detach {

inline constexpr std::size_t max_device_length = 64;

// The control parameters (wait, dry_run, precheck, ...) are run_controls' members.
struct detach_params : run_controls {
    std::string region;  // from the params, else the config's region
    std::string zone;    // "" = take it from the instance
    std::string uhost_id;
    std::string udisk_id;
    std::string device;      // "" = take it from the disk's Drive
    std::string project_id;  // "" = the config's project_id, if any (the client adds it)
};

// Parses and validates the params JSON. `default_region` is the config's region ("" = none);
// when `require_region` is false a missing Region is accepted (used when the instance cannot
// call the API anyway, so that the real cause is reported). Throws invalid_parameter.
detach_params parse_detach_params(std::string_view json, const std::string& default_region,
                                  bool require_region = true);

// The rule of Device (/dev/ followed by letters, digits and . _ - /, no "..", at most 64): also
// applied to the service's Drive before the plugin uses one as such.
bool is_valid_device(std::string_view value);

}  // namespace compshare::detach
