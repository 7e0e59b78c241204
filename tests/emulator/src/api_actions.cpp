#include "api_actions.hpp"

#include "ret_codes.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace compshare_emulator {
namespace {

action_result fail(int code, std::string message) {
    return {code, std::move(message), nullptr};
}

action_result missing(const std::string& name) {
    return fail(ret::bad_params, "Params [" + name + "] not available");
}

std::string param(const param_map& params, const std::string& key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
}

// A non-negative decimal integer, or -1.
long long parse_count(const std::string& text) {
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return -1;
    }
    return std::strtoll(text.c_str(), nullptr, 10);
}

// The instance named by UHostId (or the SDKs' HostId alias) in the requested Region (and Zone,
// when given); a Region/Zone mismatch is "not found", as the instance is not visible there.
instance* locate_instance(emulator_state& state, const param_map& params, const std::string& id) {
    instance* host = state.find_instance(id);
    if (host == nullptr || host->region != param(params, "Region")) {
        return nullptr;
    }
    const std::string zone = param(params, "Zone");
    if (!zone.empty() && zone != host->zone) {
        return nullptr;
    }
    return host;
}

std::string host_id(const param_map& params) {
    const std::string id = param(params, "UHostId");
    return id.empty() ? param(params, "HostId") : id;
}

// Reads Offset (default 0) and Limit (default 20, 1..100); false (and a 230 in `error`) when
// either is out of range.
bool paging(const param_map& params, long long& offset, long long& limit, action_result& error) {
    offset = 0;
    limit = 20;
    if (params.count("Offset") != 0) {
        offset = parse_count(param(params, "Offset"));
        if (offset < 0) {
            error = fail(ret::bad_params, "Params [Offset] not available");
            return false;
        }
    }
    if (params.count("Limit") != 0) {
        limit = parse_count(param(params, "Limit"));
        if (limit < 1 || limit > 100) {
            error = fail(ret::bad_params, "Params [Limit] not available");
            return false;
        }
    }
    return true;
}

action_result describe(emulator_state& state, const param_map& params) {
    long long offset = 0;
    long long limit = 20;
    action_result refused;
    if (!paging(params, offset, limit, refused)) {
        return refused;
    }
    std::set<std::string> ids;
    for (auto it = params.lower_bound("UHostIds."); it != params.end(); ++it) {
        if (it->first.compare(0, 9, "UHostIds.") != 0) {
            break;
        }
        ids.insert(it->second);
    }
    const std::string region = param(params, "Region");
    const std::string zone = param(params, "Zone");

    Poco::JSON::Array::Ptr set = Poco::makeShared<Poco::JSON::Array>();
    long long total = 0;
    for (const auto& host : state.instances()) {
        if ((!region.empty() && host.region != region) || (!zone.empty() && host.zone != zone) ||
            (!ids.empty() && ids.count(host.id) == 0)) {
            continue;
        }
        if (total >= offset && total < offset + limit) {
            set->add(emulator_state::describe(host));
        }
        ++total;
    }
    Poco::JSON::Object::Ptr fields =
        Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    fields->set("TotalCount", total);
    fields->set("UHostSet", set);
    return {ret::ok, "", fields};
}

// One DiskSet entry of DescribeCompshareDisk. The field names are compshare-cli's; Status is
// the emulator's choice (the real values are undocumented): InUse, Detaching, Available.
Poco::JSON::Object::Ptr inventory_entry(const disk& d, const instance* owner) {
    auto entry = Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    entry->set("ResourceId", d.id);
    std::string name;
    if (!d.extra.isNull() && d.extra->has("Name") && d.extra->get("Name").isString())
        name = d.extra->getValue<std::string>("Name");
    entry->set("Name", name);
    entry->set("Configuration", std::to_string(d.size) + "GB");
    entry->set("DiskType", d.type);
    entry->set("Status", owner == nullptr ? "Available" : d.detached_at ? "Detaching" : "InUse");
    entry->set("MountInstance", owner == nullptr ? std::string() : owner->id);
    entry->set("Zone", owner == nullptr ? d.zone : owner->zone);
    return entry;
}

// DescribeCompshareDisk: the disk inventory (attached, detaching and free disks, system disks
// included) of one Region, optionally only those mounted on HostId.
action_result describe_disks(emulator_state& state, const param_map& params) {
    if (param(params, "Region").empty())
        return missing("Region");
    long long offset = 0;
    long long limit = 20;
    action_result refused;
    if (!paging(params, offset, limit, refused))
        return refused;
    const std::string region = param(params, "Region");
    const std::string host_filter = param(params, "HostId");

    Poco::JSON::Array::Ptr set = Poco::makeShared<Poco::JSON::Array>();
    long long total = 0;
    const auto add = [&](const disk& d, const instance* owner) {
        if (total >= offset && total < offset + limit)
            set->add(inventory_entry(d, owner));
        ++total;
    };
    for (const auto& host : state.instances()) {
        if (host.region != region || (!host_filter.empty() && host.id != host_filter))
            continue;
        for (const auto& d : host.disks)
            add(d, &host);
    }
    if (host_filter.empty()) {
        for (const auto& d : state.free_disks()) {
            if (d.region == region)
                add(d, nullptr);
        }
    }
    Poco::JSON::Object::Ptr fields =
        Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    fields->set("TotalCount", total);
    fields->set("DiskSet", set);
    return {ret::ok, "", fields};
}

action_result detach(emulator_state& state, const param_map& params, clock::time_point now,
                     std::chrono::milliseconds delay) {
    for (const char* name : {"Region", "UHostId", "UDiskId", "Device"}) {
        const bool given = std::string(name) == "UHostId" ? !host_id(params).empty()
                                                          : !param(params, name).empty();
        if (!given) {
            return missing(name);
        }
    }
    const std::string uhost_id = host_id(params);
    const std::string udisk_id = param(params, "UDiskId");
    const std::string device = param(params, "Device");

    instance* host = locate_instance(state, params, uhost_id);
    if (host == nullptr) {
        return fail(ret::instance_not_found, "UHost [" + uhost_id + "] does not exist");
    }
    if (host->state != "Stopped") {
        return fail(ret::instance_bad_state, "UHost [" + uhost_id + "] is in state [" +
                                                 host->state + "], it must be Stopped");
    }
    const auto where = state.find_disk(udisk_id);
    if (where.found == nullptr) {
        return fail(ret::disk_not_found, "UDisk [" + udisk_id + "] does not exist");
    }
    if (where.owner != host) {
        return fail(ret::disk_not_attached_here,
                    "UDisk [" + udisk_id + "] is not attached to UHost [" + uhost_id + "]");
    }
    disk& d = *where.found;
    if (d.boot) {
        return fail(ret::system_disk, "UDisk [" + udisk_id + "] is the system disk of UHost [" +
                                          uhost_id + "] and cannot be detached");
    }
    if (d.detached_at) {
        return fail(ret::detach_in_progress,
                    "UDisk [" + udisk_id + "] is being detached, please wait");
    }
    if (device != d.drive) {
        return fail(ret::device_mismatch, "Device [" + device + "] does not match the Drive [" +
                                              d.drive + "] of UDisk [" + udisk_id + "]");
    }
    if (delay.count() > 0) {
        d.detached_at = now + delay;  // stays in DiskSet until then (see settle())
    } else {
        state.release_disk(*host, udisk_id);
    }
    return {ret::ok, "", nullptr};
}

action_result attach(emulator_state& state, const param_map& params) {
    for (const char* name : {"Region", "UHostId", "UDiskId"}) {
        const bool given = std::string(name) == "UHostId" ? !host_id(params).empty()
                                                          : !param(params, name).empty();
        if (!given) {
            return missing(name);
        }
    }
    const std::string uhost_id = host_id(params);
    const std::string udisk_id = param(params, "UDiskId");

    instance* host = locate_instance(state, params, uhost_id);
    if (host == nullptr) {
        return fail(ret::instance_not_found, "UHost [" + uhost_id + "] does not exist");
    }
    if (host->state != "Stopped" && host->state != "Running") {
        return fail(ret::instance_bad_state, "UHost [" + uhost_id + "] is in state [" +
                                                 host->state + "], it must be Running or Stopped");
    }
    const auto where = state.find_disk(udisk_id);
    if (where.found == nullptr) {
        return fail(ret::disk_not_found, "UDisk [" + udisk_id + "] does not exist");
    }
    if (where.owner != nullptr) {
        if (where.found->detached_at) {
            return fail(ret::detach_in_progress,
                        "UDisk [" + udisk_id + "] is being detached, please wait");
        }
        return fail(
            ret::already_attached,
            "UDisk [" + udisk_id + "] is already attached to UHost [" + where.owner->id + "]");
    }
    if (where.found->region != host->region || where.found->zone != host->zone) {
        return fail(ret::zone_mismatch, "UDisk [" + udisk_id + "] is in Zone [" +
                                            where.found->zone + "], UHost [" + uhost_id +
                                            "] is in Zone [" + host->zone + "]");
    }
    std::set<std::string> used;
    for (const auto& d : host->disks) {
        used.insert(d.drive);
    }
    for (char letter = 'b'; letter <= 'z'; ++letter) {
        const std::string drive = std::string("/dev/vd") + letter;
        if (used.count(drive) == 0) {
            state.attach_free_disk(udisk_id, *host, drive);
            return {ret::ok, "", nullptr};
        }
    }
    return fail(ret::no_free_device, "UHost [" + uhost_id + "] has no free device name");
}

}  // namespace

bool is_known_action(const std::string& action) {
    return action == "DescribeCompShareInstance" || action == "DetachCompshareDisk" ||
           action == "AttachCompshareDisk" || action == "DescribeCompshareDisk";
}

action_result run_action(emulator_state& state, const param_map& params, clock::time_point now,
                         std::chrono::milliseconds detach_delay) {
    const std::string action = param(params, "Action");
    if (action == "DescribeCompShareInstance") {
        return describe(state, params);
    }
    if (action == "DetachCompshareDisk") {
        return detach(state, params, now, detach_delay);
    }
    if (action == "AttachCompshareDisk") {
        return attach(state, params);
    }
    if (action == "DescribeCompshareDisk") {
        return describe_disks(state, params);
    }
    return fail(ret::unknown_action, "Action [" + action + "] does not exist");
}

}  // namespace compshare_emulator
