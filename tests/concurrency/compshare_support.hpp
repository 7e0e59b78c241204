// What the compshare-disk concurrency tests share: the plugin, loaded once by the host's loader;
// the config that points an instance at an in-process emulator; a count of the disks the
// emulator's state has attached; and invocations cancelled from other threads.
#pragma once

#include "c_abi.hpp"

#include <compshare_emulator/server.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

// Runs `count` invocations at once, each on an instance of its own (with `config`), and cancels
// each from another thread once it has logged its first `event`. `call(instance, index)` makes
// the invocation. Returns the results in index order and how many waits for the event gave up.
struct cancelled_runs {
    std::vector<instance::call_result> results;
    int latch_timeouts = 0;
};

inline cancelled_runs cancel_on_first_event(
    int count, const std::string& config, const char* event,
    const std::function<instance::call_result(const instance&, int)>& call) {
    std::vector<std::unique_ptr<event_latch>> latches;
    std::vector<std::unique_ptr<instance>> instances;
    for (int i = 0; i < count; ++i) {
        latches.push_back(std::make_unique<event_latch>(event));
        instances.push_back(
            std::make_unique<instance>(compshare_library(), config, latches.back().get()));
    }
    std::vector<instance::call_result> results(static_cast<std::size_t>(count));
    std::atomic<int> latch_timeouts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        const auto index = static_cast<std::size_t>(i);
        threads.emplace_back([&, i, index] { results[index] = call(*instances[index], i); });
        threads.emplace_back([&, index] {
            if (!latches[index]->wait_for_count(1))
                ++latch_timeouts;
            instances[index]->cancel();
        });
    }
    for (auto& thread : threads)
        thread.join();
    return {std::move(results), latch_timeouts.load()};
}

}  // namespace concurrency_test
