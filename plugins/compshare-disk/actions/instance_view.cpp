#include "instance_view.hpp"

#include "client/response.hpp"
#include "describe_records.hpp"
#include "detach_params.hpp"

#include <actionhost/json/reader.hpp>

#include <algorithm>
#include <cctype>

namespace compshare::detach {
namespace {

using actionhost::json::member;
using fields = actionhost::json::object_members;

// A member other than null, or nullptr.
const member* given(const fields& object, const char* key) {
    const member* m = object.find(key);
    return m != nullptr && m->type != member::kind::null ? m : nullptr;
}

// A string field, or "" when absent or null. Any other type means the reply is malformed.
std::string opt_string(const fields& object, const char* key, const char* where) {
    const member* value = given(object, key);
    if (value == nullptr)
        return {};
    if (value->type != member::kind::string) {
        throw malformed_response(std::string(where) + "." + key + " is not a string");
    }
    return value->text;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// IsBoot is documented as the string "True"/"False"; a JSON boolean is accepted too. The
// deprecated Type "Boot" also marks the system disk, so a reply with either is believed.
bool parse_is_boot(const fields& disk) {
    bool boot = false;
    if (const member* value = given(disk, "IsBoot")) {
        if (value->type == member::kind::boolean) {
            boot = value->boolean;
        } else if (value->type == member::kind::string) {
            const auto& text = value->text;
            if (equals_ignore_case(text, "true")) {
                boot = true;
            } else if (!equals_ignore_case(text, "false")) {
                throw malformed_response("DiskSet[].IsBoot is neither \"True\" nor \"False\"");
            }
        } else {
            throw malformed_response("DiskSet[].IsBoot is not a string");
        }
    }
    return boot || equals_ignore_case(opt_string(disk, "Type", "DiskSet[]"), "Boot");
}

// Size is informative only (the status action reports it): a value that is not a whole number
// of GB is left out rather than making the reply malformed.
std::optional<long long> size_of(const fields& disk) {
    const member* size = disk.find("Size");
    // An integer beyond 63 bits (unsigned_integer) is left out too.
    if (size == nullptr || size->type != member::kind::number ||
        size->number.type != actionhost::json::number::kind::integer)
        return std::nullopt;
    return size->number.integer >= 0 ? std::optional<long long>(size->number.integer)
                                     : std::nullopt;
}

// Server text that may be quoted, no control characters, short.
constexpr std::size_t max_quoted_field = 64;

// DiskType, informative only like Size: a value that is not a string is left out.
std::string type_of(const fields& disk) {
    const member* type = disk.find("DiskType");
    if (type == nullptr || type->type != member::kind::string)
        return {};
    return compshare::clean_text(type->text, max_quoted_field);
}

instance_view parse_instance(const host_record& entry) {
    const fields& host = entry.members;
    instance_view view;
    view.uhost_id = opt_string(host, "UHostId", "UHostSet[]");
    view.state = compshare::clean_text(opt_string(host, "State", "UHostSet[]"), max_quoted_field);
    view.region = compshare::clean_text(opt_string(host, "Region", "UHostSet[]"), max_quoted_field);
    view.zone = opt_string(host, "Zone", "UHostSet[]");
    if (!view.zone.empty() && !is_valid_id(view.zone))
        throw malformed_response("UHostSet[].Zone is not a zone id");
    // Every instance has a system disk: a reply without one does not describe the instance, and
    // must never be read as "the data disk has left".
    const member* disk_set = given(host, "DiskSet");
    if (disk_set == nullptr)
        throw malformed_response(
            "UHostSet[].DiskSet is missing (every instance has a system disk)");
    if (disk_set->type != member::kind::array)
        throw malformed_response("UHostSet[].DiskSet is not an array");
    if (entry.disks.empty())
        throw malformed_response("UHostSet[].DiskSet is empty (every instance has a system disk)");
    view.disks.reserve(entry.disks.size());
    for (const record& disk_entry : entry.disks) {
        if (!disk_entry.is_object)
            throw malformed_response("UHostSet[].DiskSet[] is not an object");
        const fields& disk = disk_entry.members;
        disk_view d;
        d.id = opt_string(disk, "DiskId", "DiskSet[]");
        if (d.id.empty())
            throw malformed_response("DiskSet[] entry without DiskId");
        d.is_boot = parse_is_boot(disk);
        d.drive = normalize_drive(opt_string(disk, "Drive", "DiskSet[]"));
        d.type = type_of(disk);
        d.size_gb = size_of(disk);
        view.disks.push_back(std::move(d));
    }
    // Sorted views of the ids: no set of copies for a dozen disks.
    std::vector<std::string_view> ids;
    ids.reserve(view.disks.size());
    for (const disk_view& d : view.disks)
        ids.emplace_back(d.id);
    std::sort(ids.begin(), ids.end());
    if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
        throw malformed_response("DiskSet lists the same DiskId twice");
    if (std::none_of(view.disks.begin(), view.disks.end(),
                     [](const disk_view& d) { return d.is_boot; })) {
        throw malformed_response("UHostSet[].DiskSet lists no system disk");
    }
    return view;
}

}  // namespace

const disk_view* instance_view::find_disk(const std::string& disk_id) const {
    const auto it = std::find_if(disks.begin(), disks.end(),
                                 [&](const disk_view& d) { return d.id == disk_id; });
    return it == disks.end() ? nullptr : &*it;
}

std::string normalize_drive(const std::string& drive) {
    if (drive.empty() || drive.rfind("/dev/", 0) == 0)
        return drive;
    return "/dev/" + drive;
}

std::optional<instance_view> parse_describe(std::string_view body, const std::string& uhost_id) {
    describe_records reply;
    try {
        reply = read_describe_records(body);
    } catch (const actionhost::json::parse_error& e) {
        // The reader's reasons never quote a value, only a repeated member name.
        throw malformed_response("the DescribeCompShareInstance reply is not valid JSON (" +
                                 e.where() + ": " + compshare::clean_text(e.reason(), 100) + ")");
    }
    const member* uhost_set = given(reply.top, "UHostSet");
    if (uhost_set == nullptr) {
        throw malformed_response("the DescribeCompShareInstance reply has no UHostSet");
    }
    if (uhost_set->type != member::kind::array)
        throw malformed_response("UHostSet is not an array");
    std::optional<instance_view> found;
    for (const host_record& host : reply.hosts) {
        if (!host.is_object)
            throw malformed_response("UHostSet[] is not an object");
        // Match on the id ourselves: a reply listing other instances must not be mistaken for ours.
        if (opt_string(host.members, "UHostId", "UHostSet[]") != uhost_id)
            continue;
        // Two entries for one instance: which one is true cannot be known.
        if (found)
            throw malformed_response("UHostSet lists the instance twice");
        found = parse_instance(host);
    }
    return found;
}

}  // namespace compshare::detach
