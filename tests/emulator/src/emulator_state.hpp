// The emulated account: key pairs, instances with their disks, and unattached disks. Not
// thread-safe; the server guards it with one mutex.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace compshare_emulator {

using clock = std::chrono::steady_clock;

struct key_pair {
    std::string public_key;
    std::string private_key;
};

struct disk {
    std::string id;
    std::string type = "CLOUD_SSD";
    bool boot = false;
    std::string drive;              // "/dev/vdb"; "" for an unattached disk
    long long size = 0;             // GB
    std::string region, zone;       // only for unattached disks (attached ones take the instance's)
    Poco::JSON::Object::Ptr extra;  // any other fields of the state document, returned as-is
    std::optional<clock::time_point> detached_at;  // a detach in progress completes at this time
};

struct instance {
    std::string id, region, zone, name, state;
    std::vector<disk> disks;        // the DiskSet, including disks being detached
    Poco::JSON::Object::Ptr extra;  // Password, SshLoginCommand, CPU, IPSet, ...: returned as-is
};

class emulator_state {
  public:
    // Parses and validates a state document (README "State file"); throws emulator_error.
    static emulator_state from_json(const std::string& json);
    static emulator_state built_in_default();

    // The state document (round-trips through from_json). A disk being detached carries
    // "EmulatorDetachRemainingMs".
    std::string to_json(clock::time_point now) const;

    // Completes the detaches whose time has come: the disk leaves DiskSet for the free disks.
    void settle(clock::time_point now);

    const key_pair* find_key(const std::string& public_key) const;
    instance* find_instance(const std::string& id);
    const std::vector<instance>& instances() const { return instances_; }
    const std::vector<disk>& free_disks() const { return free_disks_; }

    // Where a disk is: the instance it is attached to (nullptr if free), and the disk itself
    // (nullptr if unknown).
    struct disk_location {
        instance* owner = nullptr;
        disk* found = nullptr;
    };
    disk_location find_disk(const std::string& id);

    // Moves an attached disk to the free disks (it keeps its Region/Zone from the owner).
    void release_disk(instance& owner, const std::string& disk_id);
    // Moves a free disk into the instance's DiskSet at the given drive.
    void attach_free_disk(const std::string& disk_id, instance& target, const std::string& drive);

    // The DescribeCompShareInstance entry of one instance.
    static Poco::JSON::Object::Ptr describe(const instance& host);

  private:
    std::vector<key_pair> keys_;
    std::vector<instance> instances_;
    std::vector<disk> free_disks_;
};

}  // namespace compshare_emulator
