#include "detach_params.hpp"

#include <algorithm>

namespace compshare::detach {
namespace {

bool is_device_char(char c) {
    return is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
}

constexpr std::string_view device_prefix = "/dev/";

void check_device(const std::string& value) {
    if (value.size() > max_device_length) {
        throw invalid_parameter("Device", "Device is too long (at most " +
                                              std::to_string(max_device_length) + " characters)");
    }
    if (!is_valid_device(value)) {
        throw invalid_parameter("Device",
                                "Device must be a device path such as /dev/vdb (/dev/ followed by "
                                "letters, digits and . _ - /, no \"..\")");
    }
}

}  // namespace

bool is_valid_device(std::string_view value) {
    return value.size() > device_prefix.size() && value.size() <= max_device_length &&
           value.substr(0, device_prefix.size()) == device_prefix &&
           std::all_of(value.begin(), value.end(), is_device_char) &&
           value.find("..") == std::string_view::npos;
}

detach_params parse_detach_params(std::string_view json, const std::string& default_region,
                                  bool require_region) {
    // Built once: the reader keeps a reference to them.
    static const auto known =
        with_run_controls({"Region", "Zone", "UHostId", "UDiskId", "Device", "ProjectId"});
    param_reader in(json, known);

    detach_params p;
    p.region = in.region(default_region, require_region);
    p.zone = in.optional_id("Zone");
    p.uhost_id = in.required_id("UHostId");
    p.udisk_id = in.required_id("UDiskId");
    if (in.has("Device")) {
        p.device = in.string("Device");
        check_device(p.device);
    }
    p.project_id = in.optional_id("ProjectId");
    static_cast<run_controls&>(p) = in.controls();
    // Without the precheck nothing reads the disk's Drive, and the API needs Device.
    if (!p.precheck && !p.dry_run && p.device.empty()) {
        throw invalid_parameter("Device",
                                "Device is required when Precheck is false (nothing reads the "
                                "disk's Drive from the instance)");
    }
    return p;
}

}  // namespace compshare::detach
