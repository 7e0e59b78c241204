#include "instance_view.hpp"

#include "client/response.hpp"
#include "detach_params.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace compshare::detach {
namespace {

// A string field, or "" when absent or null. Any other type means the reply is malformed.
std::string opt_string(const Poco::JSON::Object& object, const char* key, const char* where) {
    if (!object.has(key) || object.isNull(key))
        return {};
    const auto value = object.get(key);
    if (!value.isString()) {
        throw malformed_response(std::string(where) + "." + key + " is not a string");
    }
    return value.extract<std::string>();
}

bool equals_ignore_case(const std::string& a, const char* b) {
    const std::string other(b);
    return a.size() == other.size() &&
           std::equal(a.begin(), a.end(), other.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// IsBoot is documented as the string "True"/"False"; a JSON boolean is accepted too. The
// deprecated Type "Boot" also marks the system disk, so a reply with either is believed.
bool parse_is_boot(const Poco::JSON::Object& disk) {
    bool boot = false;
    if (disk.has("IsBoot") && !disk.isNull("IsBoot")) {
        const auto value = disk.get("IsBoot");
        if (value.isBoolean()) {
            boot = value.extract<bool>();
        } else if (value.isString()) {
            const auto text = value.extract<std::string>();
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

// Server text that may be quoted in a message or an event: no control characters, short.
constexpr std::size_t max_quoted_field = 64;

instance_view parse_instance(const Poco::JSON::Object& host) {
    instance_view view;
    view.uhost_id = opt_string(host, "UHostId", "UHostSet[]");
    view.state = compshare::clean_text(opt_string(host, "State", "UHostSet[]"), max_quoted_field);
    view.region = compshare::clean_text(opt_string(host, "Region", "UHostSet[]"), max_quoted_field);
    view.zone = opt_string(host, "Zone", "UHostSet[]");
    if (!view.zone.empty() && !is_valid_id(view.zone))
        throw malformed_response("UHostSet[].Zone is not a zone id");
    // Every instance has a system disk: a reply without one does not describe the instance, and
    // must never be read as "the data disk has left".
    if (!host.has("DiskSet") || host.isNull("DiskSet"))
        throw malformed_response(
            "UHostSet[].DiskSet is missing (every instance has a system disk)");
    const auto disks = host.getArray("DiskSet");
    if (!disks)
        throw malformed_response("UHostSet[].DiskSet is not an array");
    if (disks->size() == 0)
        throw malformed_response("UHostSet[].DiskSet is empty (every instance has a system disk)");
    view.disks.reserve(disks->size());
    std::set<std::string> seen;
    for (std::size_t i = 0; i < disks->size(); ++i) {
        const auto disk = disks->getObject(static_cast<unsigned>(i));
        if (!disk)
            throw malformed_response("UHostSet[].DiskSet[] is not an object");
        disk_view d;
        d.id = opt_string(*disk, "DiskId", "DiskSet[]");
        if (d.id.empty())
            throw malformed_response("DiskSet[] entry without DiskId");
        if (!seen.insert(d.id).second)
            throw malformed_response("DiskSet lists the same DiskId twice");
        d.is_boot = parse_is_boot(*disk);
        d.drive = normalize_drive(opt_string(*disk, "Drive", "DiskSet[]"));
        view.disks.push_back(std::move(d));
    }
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

std::optional<instance_view> parse_describe(const Poco::JSON::Object& body,
                                            const std::string& uhost_id) {
    if (!body.has("UHostSet") || body.isNull("UHostSet")) {
        throw malformed_response("the DescribeCompShareInstance reply has no UHostSet");
    }
    const auto hosts = body.getArray("UHostSet");
    if (!hosts)
        throw malformed_response("UHostSet is not an array");
    std::optional<instance_view> found;
    for (std::size_t i = 0; i < hosts->size(); ++i) {
        const auto host = hosts->getObject(static_cast<unsigned>(i));
        if (!host)
            throw malformed_response("UHostSet[] is not an object");
        // Match on the id ourselves: a reply listing other instances must not be mistaken for ours.
        if (opt_string(*host, "UHostId", "UHostSet[]") != uhost_id)
            continue;
        // Two entries for one instance: which one is true cannot be known.
        if (found)
            throw malformed_response("UHostSet lists the instance twice");
        found = parse_instance(*host);
    }
    return found;
}

}  // namespace compshare::detach
