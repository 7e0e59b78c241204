#include "emulator_state.hpp"

#include "compshare_emulator/server.hpp"
#include "default_state.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace compshare_emulator {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Key order of the document is kept, so GET /_emulator/state reads like the file it came from.
Object::Ptr new_object() {
    return Poco::makeShared<Object>(Poco::JSON_PRESERVE_KEY_ORDER);
}

[[noreturn]] void invalid(const std::string& where, const std::string& what) {
    throw emulator_error("invalid state document: " + where + ": " + what);
}

std::string required_string(const Object& object, const std::string& key,
                            const std::string& where) {
    if (!object.has(key)) {
        invalid(where, "missing \"" + key + "\"");
    }
    const auto value = object.get(key);
    if (!value.isString()) {
        invalid(where, "\"" + key + "\" must be a string");
    }
    return value.extract<std::string>();
}

std::string optional_string(const Object& object, const std::string& key, const std::string& where,
                            const std::string& fallback) {
    return object.has(key) ? required_string(object, key, where) : fallback;
}

long long required_integer(const Object& object, const std::string& key, const std::string& where) {
    if (!object.has(key)) {
        invalid(where, "missing \"" + key + "\"");
    }
    const auto value = object.get(key);
    if (!value.isInteger()) {
        invalid(where, "\"" + key + "\" must be an integer");
    }
    const long long number = value.convert<long long>();
    if (number < 0) {
        invalid(where, "\"" + key + "\" must not be negative");
    }
    return number;
}

Array::Ptr optional_array(const Object& object, const std::string& key, const std::string& where) {
    if (!object.has(key)) {
        return Poco::makeShared<Array>();
    }
    auto array = object.getArray(key);
    if (array.isNull()) {
        invalid(where, "\"" + key + "\" must be an array");
    }
    return array;
}

Object::Ptr element_object(const Array& array, std::size_t index, const std::string& where) {
    auto object = array.getObject(static_cast<unsigned int>(index));
    if (object.isNull()) {
        invalid(where, "must be an object");
    }
    return object;
}

// Copies every member not in `known` (the fields the emulator models itself).
Object::Ptr extras(const Object& object, const std::set<std::string>& known) {
    auto copy = new_object();
    for (const auto& [key, value] : object) {
        if (known.count(key) == 0) {
            copy->set(key, value);
        }
    }
    return copy;
}

void append_extras(Object& target, const Object::Ptr& extra) {
    if (extra.isNull()) {
        return;
    }
    for (const auto& [key, value] : *extra) {
        target.set(key, value);
    }
}

const std::set<std::string> disk_fields = {"DiskId",
                                           "DiskType",
                                           "IsBoot",
                                           "Drive",
                                           "Size",
                                           "Region",
                                           "Zone",
                                           "EmulatorDetachRemainingMs",
                                           "EmulatorAttachRemainingMs"};

disk parse_disk(const Object& object, const std::string& where, bool attached,
                clock::time_point now) {
    disk d;
    d.id = required_string(object, "DiskId", where);
    if (d.id.empty()) {
        invalid(where, "\"DiskId\" is empty");
    }
    d.type = optional_string(object, "DiskType", where, "CLOUD_SSD");
    d.size = required_integer(object, "Size", where);
    const std::string is_boot = optional_string(object, "IsBoot", where, "False");
    if (is_boot != "True" && is_boot != "False") {
        invalid(where, "\"IsBoot\" must be the string \"True\" or \"False\"");
    }
    d.boot = is_boot == "True";
    if (attached) {
        d.drive = required_string(object, "Drive", where);
        if (d.drive.empty()) {
            invalid(where, "\"Drive\" is empty");
        }
        if (object.has("EmulatorDetachRemainingMs")) {
            if (d.boot) {
                invalid(where, "a system disk cannot be detaching");
            }
            d.detached_at = now + std::chrono::milliseconds(
                                      required_integer(object, "EmulatorDetachRemainingMs", where));
        }
        if (object.has("EmulatorAttachRemainingMs")) {
            if (d.boot || d.detached_at) {
                invalid(where, "only a data disk that is not detaching can be attaching");
            }
            d.attached_at = now + std::chrono::milliseconds(
                                      required_integer(object, "EmulatorAttachRemainingMs", where));
        }
    } else {
        if (d.boot) {
            invalid(where, "an unattached disk cannot be a system disk");
        }
        d.region = required_string(object, "Region", where);
        d.zone = required_string(object, "Zone", where);
    }
    d.extra = extras(object, disk_fields);
    if (!attached) {
        d.extra->remove("Drive");
    }
    return d;
}

Object::Ptr disk_document(const disk& d, bool attached, clock::time_point now) {
    auto object = new_object();
    object->set("DiskId", d.id);
    object->set("DiskType", d.type);
    object->set("IsBoot", d.boot ? "True" : "False");
    if (attached) {
        object->set("Drive", d.drive);
    } else {
        object->set("Region", d.region);
        object->set("Zone", d.zone);
    }
    object->set("Size", d.size);
    append_extras(*object, d.extra);
    if (d.detached_at) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(*d.detached_at - now).count();
        object->set("EmulatorDetachRemainingMs", std::max<long long>(0, left));
    }
    if (d.attached_at) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(*d.attached_at - now).count();
        object->set("EmulatorAttachRemainingMs", std::max<long long>(0, left));
    }
    return object;
}

}  // namespace

emulator_state emulator_state::from_json(const std::string& json) {
    const auto now = clock::now();
    Poco::Dynamic::Var root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(json);
    } catch (const Poco::Exception& e) {
        throw emulator_error("invalid state document: not JSON: " + e.displayText());
    }
    if (root.type() != typeid(Object::Ptr)) {
        throw emulator_error("invalid state document: not a JSON object");
    }
    const auto document = root.extract<Object::Ptr>();
    for (const auto& [key, value] : *document) {
        if (key != "KeyPairs" && key != "Instances" && key != "Disks") {
            invalid("top level",
                    "unknown key \"" + key + "\" (expected KeyPairs, Instances, Disks)");
        }
    }

    emulator_state state;
    std::set<std::string> ids;
    auto unique = [&ids](const std::string& id, const std::string& where) {
        if (!ids.insert(id).second) {
            invalid(where, "duplicate id \"" + id + "\"");
        }
    };

    if (document->has("KeyPairs")) {
        const auto keys = optional_array(*document, "KeyPairs", "top level");
        for (std::size_t i = 0; i < keys->size(); ++i) {
            const std::string where = "KeyPairs[" + std::to_string(i) + "]";
            const auto object = element_object(*keys, i, where);
            key_pair pair{required_string(*object, "PublicKey", where),
                          required_string(*object, "PrivateKey", where)};
            if (pair.public_key.empty() || pair.private_key.empty()) {
                invalid(where, "empty key");
            }
            state.keys_.push_back(std::move(pair));
        }
    } else {
        // No KeyPairs: the documentation test-vector pair, so a short state file just works.
        state.keys_.push_back({default_public_key, default_private_key});
    }

    const auto hosts = optional_array(*document, "Instances", "top level");
    for (std::size_t i = 0; i < hosts->size(); ++i) {
        const std::string where = "Instances[" + std::to_string(i) + "]";
        const auto object = element_object(*hosts, i, where);
        instance host;
        host.id = required_string(*object, "UHostId", where);
        if (host.id.empty()) {
            invalid(where, "\"UHostId\" is empty");
        }
        unique(host.id, where);
        host.region = required_string(*object, "Region", where);
        host.zone = required_string(*object, "Zone", where);
        host.name = optional_string(*object, "Name", where, "");
        host.state = required_string(*object, "State", where);
        const auto disks = optional_array(*object, "DiskSet", where);
        std::set<std::string> drives;
        int boot_disks = 0;
        for (std::size_t j = 0; j < disks->size(); ++j) {
            const std::string disk_where = where + ".DiskSet[" + std::to_string(j) + "]";
            disk d = parse_disk(*element_object(*disks, j, disk_where), disk_where, true, now);
            unique(d.id, disk_where);
            if (!drives.insert(d.drive).second) {
                invalid(disk_where, "duplicate Drive \"" + d.drive + "\"");
            }
            boot_disks += d.boot ? 1 : 0;
            host.disks.push_back(std::move(d));
        }
        if (boot_disks > 1) {
            invalid(where, "more than one disk with IsBoot \"True\"");
        }
        host.extra = extras(*object, {"UHostId", "Region", "Zone", "Name", "State", "DiskSet"});
        state.instances_.push_back(std::move(host));
    }

    const auto free = optional_array(*document, "Disks", "top level");
    for (std::size_t i = 0; i < free->size(); ++i) {
        const std::string where = "Disks[" + std::to_string(i) + "]";
        disk d = parse_disk(*element_object(*free, i, where), where, false, now);
        unique(d.id, where);
        state.free_disks_.push_back(std::move(d));
    }
    return state;
}

emulator_state emulator_state::built_in_default() {
    return from_json(default_state_document());
}

std::string emulator_state::to_json(clock::time_point now) const {
    auto document = new_object();
    Array::Ptr keys = Poco::makeShared<Array>();
    for (const auto& pair : keys_) {
        auto object = new_object();
        object->set("PublicKey", pair.public_key);
        object->set("PrivateKey", pair.private_key);
        keys->add(object);
    }
    document->set("KeyPairs", keys);
    Array::Ptr hosts = Poco::makeShared<Array>();
    for (const auto& host : instances_) {
        auto object = new_object();
        object->set("UHostId", host.id);
        object->set("Region", host.region);
        object->set("Zone", host.zone);
        object->set("Name", host.name);
        object->set("State", host.state);
        append_extras(*object, host.extra);
        Array::Ptr disks = Poco::makeShared<Array>();
        for (const auto& d : host.disks) {
            disks->add(disk_document(d, true, now));
        }
        object->set("DiskSet", disks);
        hosts->add(object);
    }
    document->set("Instances", hosts);
    Array::Ptr free = Poco::makeShared<Array>();
    for (const auto& d : free_disks_) {
        free->add(disk_document(d, false, now));
    }
    document->set("Disks", free);
    std::ostringstream out;
    document->stringify(out, 2);
    return out.str();
}

void emulator_state::settle(clock::time_point now) {
    for (auto& host : instances_) {
        for (std::size_t i = 0; i < host.disks.size();) {
            const auto& d = host.disks[i];
            if (d.detached_at && *d.detached_at <= now) {
                release_disk(host, d.id);  // erases host.disks[i]
            } else {
                if (d.attached_at && *d.attached_at <= now)
                    host.disks[i].attached_at.reset();
                ++i;
            }
        }
    }
}

const key_pair* emulator_state::find_key(const std::string& public_key) const {
    for (const auto& pair : keys_) {
        if (pair.public_key == public_key) {
            return &pair;
        }
    }
    return nullptr;
}

instance* emulator_state::find_instance(const std::string& id) {
    for (auto& host : instances_) {
        if (host.id == id) {
            return &host;
        }
    }
    return nullptr;
}

emulator_state::disk_location emulator_state::find_disk(const std::string& id) {
    for (auto& host : instances_) {
        for (auto& d : host.disks) {
            if (d.id == id) {
                return {&host, &d};
            }
        }
    }
    for (auto& d : free_disks_) {
        if (d.id == id) {
            return {nullptr, &d};
        }
    }
    return {};
}

void emulator_state::release_disk(instance& owner, const std::string& disk_id) {
    auto it = std::find_if(owner.disks.begin(), owner.disks.end(),
                           [&disk_id](const disk& d) { return d.id == disk_id; });
    if (it == owner.disks.end()) {
        return;
    }
    disk released = std::move(*it);
    owner.disks.erase(it);
    released.drive.clear();
    released.detached_at.reset();
    released.region = owner.region;
    released.zone = owner.zone;
    free_disks_.push_back(std::move(released));
}

void emulator_state::attach_free_disk(const std::string& disk_id, instance& target,
                                      const std::string& drive,
                                      std::optional<clock::time_point> completes_at) {
    auto it = std::find_if(free_disks_.begin(), free_disks_.end(),
                           [&disk_id](const disk& d) { return d.id == disk_id; });
    if (it == free_disks_.end()) {
        return;
    }
    disk attached = std::move(*it);
    free_disks_.erase(it);
    attached.drive = drive;
    attached.attached_at = completes_at;
    attached.region.clear();
    attached.zone.clear();
    target.disks.push_back(std::move(attached));
}

Poco::JSON::Object::Ptr emulator_state::describe(const instance& host) {
    auto object = new_object();
    object->set("UHostId", host.id);
    object->set("Region", host.region);
    object->set("Zone", host.zone);
    object->set("Name", host.name);
    object->set("State", host.state);
    append_extras(*object, host.extra);
    Array::Ptr disks = Poco::makeShared<Array>();
    long long data_space = 0;
    for (const auto& d : host.disks) {
        if (d.attached_at)
            continue;  // not listed until the attach completes
        auto entry = new_object();
        entry->set("DiskId", d.id);
        entry->set("DiskType", d.type);
        entry->set("IsBoot", d.boot ? "True" : "False");
        entry->set("Drive", d.drive);
        entry->set("Size", d.size);
        append_extras(*entry, d.extra);
        disks->add(entry);
        data_space += d.boot ? 0 : d.size;
    }
    object->set("DiskSet", disks);
    if (!object->has("TotalDiskSpace")) {
        object->set("TotalDiskSpace", data_space);
    }
    return object;
}

}  // namespace compshare_emulator
