#include "disk_inventory.hpp"

#include "client/response.hpp"
#include "detach_params.hpp"
#include "instance_view.hpp"

#include <actionhost/json/reader.hpp>

#include <Poco/JSON/Array.h>

namespace compshare::detach {
namespace {

constexpr const char* inventory_action = "DescribeCompshareDisk";
constexpr int page_size = 100;

std::string string_field(const Poco::JSON::Object& object, const char* key) {
    if (!object.has(key) || object.isNull(key))
        return {};
    const auto value = object.get(key);
    if (!value.isString())
        throw malformed_response(std::string("DiskSet[].") + key + " is not a string");
    return value.extract<std::string>();
}

}  // namespace

inventory_page parse_inventory_page(const Poco::JSON::Object& body) {
    inventory_page page;
    if (!body.has("TotalCount") || !body.get("TotalCount").isInteger())
        throw malformed_response("the DescribeCompshareDisk reply has no integer TotalCount");
    page.total = body.get("TotalCount").convert<long long>();
    if (page.total < 0)
        throw malformed_response("TotalCount is negative");
    if (!body.has("DiskSet") || body.isNull("DiskSet"))
        throw malformed_response("the DescribeCompshareDisk reply has no DiskSet");
    const auto disks = body.getArray("DiskSet");
    if (!disks)
        throw malformed_response("DiskSet is not an array");
    for (std::size_t i = 0; i < disks->size(); ++i) {
        const auto entry = disks->getObject(static_cast<unsigned>(i));
        if (!entry)
            throw malformed_response("DiskSet[] is not an object");
        inventory_disk disk;
        disk.disk_id = string_field(*entry, "ResourceId");
        if (disk.disk_id.empty())
            throw malformed_response("DiskSet[] entry without ResourceId");
        disk.mount_instance = string_field(*entry, "MountInstance");
        if (!disk.mount_instance.empty() && !is_valid_id(disk.mount_instance))
            throw malformed_response("DiskSet[].MountInstance is not an instance id");
        disk.status = clean_text(string_field(*entry, "Status"), 32);
        page.disks.push_back(std::move(disk));
    }
    return page;
}

std::optional<inventory_disk> find_in_inventory(api_client& client, const param_map& base,
                                                const std::string& disk_id, int max_pages) {
    std::optional<inventory_disk> found;
    long long offset = 0;
    for (int page_number = 0; page_number < max_pages; ++page_number) {
        param_map params = base;
        params["Offset"] = std::to_string(offset);
        params["Limit"] = std::to_string(page_size);
        const auto reply = client.call(inventory_action, std::move(params), call_kind::read);
        // The client checked the text: a JSON object. This rare reply is read as a DOM.
        const auto page =
            parse_inventory_page(*actionhost::json::as_object(actionhost::json::parse(reply.body)));
        for (const auto& disk : page.disks) {
            if (disk.disk_id != disk_id)
                continue;
            // Two entries for one disk (on one page): which one is true cannot be known.
            if (found)
                throw malformed_response("DiskSet lists the disk twice");
            found = disk;
        }
        offset += static_cast<long long>(page.disks.size());
        if (found || offset >= page.total)
            return found;
        if (page.disks.empty())
            throw malformed_response("DiskSet ended before TotalCount disks were listed");
    }
    throw malformed_response("the inventory lists more than " +
                             std::to_string(max_pages * page_size) + " disks; not read to the end");
}

}  // namespace compshare::detach
