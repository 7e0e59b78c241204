// What the compshare-disk concurrency tests share: the plugin, loaded once by the host's loader;
// the config that points an instance at an in-process emulator; and a count of the disks the
// emulator's state has attached.
#pragma once

#include "c_abi.hpp"

#include <compshare_emulator/server.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>

namespace concurrency_test {

inline const ah_plugin_table& compshare_library() {
    static const auto loaded = actionhost::core::plugin_library::open(COMPSHARE_DISK_PLUGIN);
    return loaded->functions();
}

inline std::string config_for(const compshare_emulator::server& server) {
    return std::string(R"({"public_key":")") + compshare_emulator::default_public_key +
           R"(","private_key":")" + compshare_emulator::default_private_key + R"(","base_url":")" +
           server.base_url() + R"(","region":"cn-wlcb"})";
}

// Data disks in some instance's DiskSet, per the emulator's state document.
inline int data_disks_attached(const std::string& state_json) {
    Poco::JSON::Parser parser;
    const auto state = parser.parse(state_json).extract<Poco::JSON::Object::Ptr>();
    int attached = 0;
    const auto instances = state->getArray("Instances");
    for (std::size_t i = 0; i < instances->size(); ++i) {
        const auto disks = instances->getObject(static_cast<unsigned>(i))->getArray("DiskSet");
        for (std::size_t d = 0; d < disks->size(); ++d) {
            const auto disk = disks->getObject(static_cast<unsigned>(d));
            if (disk->getValue<std::string>("IsBoot") != "True")
                ++attached;
        }
    }
    return attached;
}

}  // namespace concurrency_test
