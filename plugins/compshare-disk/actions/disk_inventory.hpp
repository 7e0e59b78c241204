// A second opinion on a disk that is not in the instance's DiskSet: DescribeCompshareDisk, the
// disk inventory compshare-cli lists. It is undocumented upstream (its shape is compshare-cli's),
// so it never decides alone: it only tells a free disk from one mounted elsewhere or unknown,
// after DescribeCompShareInstance said the disk is not on the instance.
#pragma once

#include "client/api_client.hpp"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace compshare::detach {

struct inventory_disk {
    std::string disk_id;         // ResourceId
    std::string mount_instance;  // MountInstance: "" when free, else an id (is_valid_id)
    std::string status;          // Status, control characters removed ("" when absent)
};

struct inventory_page {
    long long total = 0;  // TotalCount
    std::vector<inventory_disk> disks;
};

// Reduces one DescribeCompshareDisk reply. Throws malformed_response (instance_view.hpp).
inventory_page parse_inventory_page(const Poco::JSON::Object& body);

// Pages through the inventory of `base` (Region, ProjectId) for `disk_id`, at most `max_pages`
// requests of 100 disks. std::nullopt: the whole inventory was read and the disk is not in it.
// Throws api_failure from the client, and malformed_response for a reply that does not add up
// (a disk listed twice, pages that end before TotalCount) or an inventory too long to read.
std::optional<inventory_disk> find_in_inventory(api_client& client, const param_map& base,
                                                const std::string& disk_id, int max_pages = 20);

}  // namespace compshare::detach
