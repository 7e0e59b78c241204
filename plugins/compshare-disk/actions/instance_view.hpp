// What the action needs from a DescribeCompShareInstance reply, and nothing more: the reply also
// carries Password and SshLoginCommand, so the raw body is never kept, logged or returned.
// A reply that cannot be the truth about an instance (no DiskSet, no system disk, the instance
// or a disk listed twice) is malformed: never evidence that a disk left.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace compshare::detach {

struct disk_view {
    std::string id;  // DiskId
    bool is_boot = false;
    std::string drive;  // normalised to a /dev/... path ("" when the service gives none); not
                        // yet checked against the Device rule (is_valid_device)
    std::string type;   // DiskType (e.g. CLOUD_SSD), control characters removed; "" = none
    std::optional<long long> size_gb;  // Size; none when absent or not a whole number >= 0
};

struct instance_view {
    std::string uhost_id;
    std::string state;   // "Stopped", "Running", ... ("" = the service does not know); control
                         // characters removed (clean_text), so it can be quoted
    std::string region;  // "" when the reply has none; control characters removed
    std::string zone;    // "" or an id (is_valid_id): it is sent back as the detach's Zone
    std::vector<disk_view> disks;

    const disk_view* find_disk(const std::string& disk_id) const;
};

// The reply does not have the documented shape (UHostSet not an array, DiskSet entries without
// DiskId, ...). A transient condition from the caller's point of view.
class malformed_response : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Finds `uhost_id` in the reply's UHostSet, reading the JSON text without a DOM (the fields
// used are listed in describe_records.cpp). std::nullopt when it is not listed (the instance
// does not exist in that region/zone). Throws malformed_response, whose message names fields and
// never quotes a value from the reply (also for text that is not JSON).
std::optional<instance_view> parse_describe(std::string_view body, const std::string& uhost_id);

// "vdb" -> "/dev/vdb"; "/dev/vdb" unchanged; "" stays "".
std::string normalize_drive(const std::string& drive);

}  // namespace compshare::detach
