// The parameters of `attach` and `status`: parsed and validated completely before any network
// call, with the rules every action shares (param_reader.hpp). manifests/compshare-disk.json
// documents them and a test checks that both agree.
#pragma once

#include "param_reader.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace compshare::detach {

struct attach_params {
    std::string region;  // from the params, else the config's region
    std::string zone;    // "" = take it from the instance
    std::string uhost_id;
    std::string udisk_id;
    std::string data_disk_type;                   // "" = the service's default
    std::optional<bool> enable_cross_pod_attach;  // sent as "Yes"/"No" when given
    std::string project_id;
    run_controls controls;
};

struct status_params {
    std::string region;
    std::string zone;  // "" = any zone
    std::string uhost_id;
    std::string udisk_id;  // "" = none asked about
    std::string project_id;
};

// `default_region` and `require_region` as for parse_detach_params. Throw invalid_parameter.
attach_params parse_attach_params(std::string_view json, const std::string& default_region,
                                  bool require_region = true);
status_params parse_status_params(std::string_view json, const std::string& default_region,
                                  bool require_region = true);

}  // namespace compshare::detach
