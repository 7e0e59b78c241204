#include "attach_params.hpp"

#include <iterator>
#include <vector>

namespace compshare::detach {

attach_params parse_attach_params(std::string_view json, const std::string& default_region,
                                  bool require_region) {
    // Built once: the reader keeps a reference to them.
    static const auto known =
        with_run_controls({"Region", "Zone", "UHostId", "UDiskId", "DataDiskType",
                           "EnableCrossPodAttach", "ProjectId"});
    param_reader in(json, known);

    attach_params p;
    p.region = in.region(default_region, require_region);
    p.zone = in.optional_id("Zone");
    p.uhost_id = in.required_id("UHostId");
    p.udisk_id = in.required_id("UDiskId");
    // A disk type name (CLOUD_SSD, SSDDataDisk): the id rule keeps it a plain word.
    p.data_disk_type = in.optional_id("DataDiskType");
    p.enable_cross_pod_attach = in.optional_bool("EnableCrossPodAttach");
    p.project_id = in.optional_id("ProjectId");
    p.controls = in.controls();
    return p;
}

status_params parse_status_params(std::string_view json, const std::string& default_region,
                                  bool require_region) {
    static const std::vector<std::string_view> known = {"Region", "Zone", "UHostId", "UDiskId",
                                                        "ProjectId"};
    param_reader in(json, known);
    status_params p;
    p.region = in.region(default_region, require_region);
    p.zone = in.optional_id("Zone");
    p.uhost_id = in.required_id("UHostId");
    p.udisk_id = in.optional_id("UDiskId");
    p.project_id = in.optional_id("ProjectId");
    return p;
}

}  // namespace compshare::detach
