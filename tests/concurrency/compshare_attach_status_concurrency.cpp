// compshare-disk's attach and status against one in-process compshare-emulator, from several
// threads, through the C ABI only: disks moved between instances by threads that each own a
// plugin instance; one instance shared by several threads (calls serialised, as the ABI asks)
// while another thread cancels; attaches waiting on a slow attach cancelled from other threads.
#include "compshare_support.hpp"
#include "fleet_state.hpp"

#include <catch2/catch.hpp>

#include <compshare_emulator/server.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace concurrency_test;

namespace {

const test_support::fleet pool("move");

std::string params_for(const std::string& host, const std::string& disk) {
    return R"({"UHostId":")" + host + R"(","UDiskId":")" + disk + R"(","PollIntervalSeconds":0.1})";
}

std::string status_params(const std::string& host, const std::string& disk) {
    return R"({"UHostId":")" + host + R"(","UDiskId":")" + disk + R"("})";
}

// The result as an object; an empty one when it is not JSON (a thread must not throw).
Poco::JSON::Object::Ptr parse(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return new Poco::JSON::Object;
    }
}

std::string text_member(const Poco::JSON::Object::Ptr& object, const std::string& name) {
    return object && object->has(name) && object->get(name).isString()
               ? object->getValue<std::string>(name)
               : std::string();
}

// A status result that read `host` and found `disk` attached there on `device`.
bool reads_attached(const instance::call_result& result, const std::string& host,
                    const std::string& disk, const std::string& device) {
    if (result.status != AH_OK)
        return false;
    const auto object = parse(result.json);
    const auto asked = object->getObject("disk");
    return text_member(object, "status") == "read" &&
           text_member(object->getObject("instance"), "uhost_id") == host &&
           text_member(asked, "udisk_id") == disk && asked->has("attached") &&
           asked->get("attached").isBoolean() && asked->getValue<bool>("attached") &&
           text_member(asked, "device") == device;
}

bool has_status(const instance::call_result& result, ah_status status, const char* name) {
    return result.status == status && text_member(parse(result.json), "status") == name;
}

bool is_cancellation(const instance::call_result& result) {
    const auto object = parse(result.json);
    return result.status == AH_CANCELLED && object->has("ok") && object->get("ok").isBoolean() &&
           !object->getValue<bool>("ok");
}

// Collects the results a test did not expect, from any thread.
class wrong_results {
  public:
    void add(const std::string& what, const instance::call_result& result) {
        std::lock_guard<std::mutex> lock(mutex_);
        list_.push_back(what + ": " + result.json);
    }
    std::vector<std::string> list() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return list_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> list_;
};

}  // namespace

TEST_CASE("concurrency: compshare-disk moves disks between instances from several threads") {
    // Thread t owns hosts t and t + threads and swaps their data disks: detach both, attach
    // each onto the other host, read both with status.
    constexpr int thread_count = 4;
    constexpr int hosts = 2 * thread_count;

    compshare_emulator::options options;
    options.state_json = pool.state_json(hosts, 1);
    compshare_emulator::server server(options);

    wrong_results wrong;
    run_threads(thread_count, [&](int thread) {
        const instance worker(compshare_library(), config_for(server));
        const int pair[2] = {thread, thread + thread_count};
        for (const int host : pair) {
            const auto result =
                worker.call("detach", params_for(pool.host_id(host), pool.disk_id(host, 0)));
            if (!has_status(result, AH_OK, "detached"))
                wrong.add("detach " + pool.disk_id(host, 0), result);
        }
        for (int side = 0; side < 2; ++side) {
            const std::string disk = pool.disk_id(pair[side], 0);
            const std::string target = pool.host_id(pair[1 - side]);
            const auto attached = worker.call("attach", params_for(target, disk));
            if (!has_status(attached, AH_OK, "attached"))
                wrong.add("attach " + disk, attached);
            // The target's /dev/vdb was freed by its own detach: the moved disk takes it.
            const auto read = worker.call("status", status_params(target, disk));
            if (!reads_attached(read, target, disk, "/dev/vdb"))
                wrong.add("status " + disk, read);
        }
    });
    const auto unexpected = wrong.list();
    INFO("first wrong result: " << (unexpected.empty() ? std::string() : unexpected.front()));
    CHECK(unexpected.empty());
    // One detach and one attach per disk reached the emulator, and every disk is attached again.
    CHECK(server.count("DetachCompshareDisk") == hosts);
    CHECK(server.accepted("DetachCompshareDisk") == hosts);
    CHECK(server.count("AttachCompshareDisk") == hosts);
    CHECK(server.accepted("AttachCompshareDisk") == hosts);
    CHECK(data_disks_attached(server.state_json()) == hosts);
}

TEST_CASE(
    "concurrency: one compshare-disk instance shared by several threads, its calls serialised, "
    "while another thread cancels") {
    constexpr int thread_count = 4;
    constexpr int reads_per_thread = 25;

    compshare_emulator::options options;
    options.state_json = pool.state_json(thread_count, 1, thread_count);
    compshare_emulator::server server(options);

    // The ABI allows one call at a time per instance, from any thread; cancel from any thread
    // at any time.
    const instance shared(compshare_library(), config_for(server));
    std::mutex calls;
    const auto call = [&](const char* action, const std::string& params) {
        std::lock_guard<std::mutex> lock(calls);
        return shared.call(action, params);  // copied before the next call can replace it
    };

    // Each thread attaches its own free disk to its own host and reads it back: every result is
    // its own call's.
    wrong_results wrong;
    run_threads(thread_count, [&](int thread) {
        const std::string host = pool.host_id(thread);
        const std::string disk = pool.free_disk_id(thread);
        const auto attached = call("attach", params_for(host, disk));
        if (!has_status(attached, AH_OK, "attached"))
            wrong.add("attach " + disk, attached);
        const auto read = call("status", status_params(host, disk));
        if (!reads_attached(read, host, disk, "/dev/vdc"))  // vdb holds the host's own disk
            wrong.add("status " + disk, read);
    });
    auto unexpected = wrong.list();
    INFO("first wrong result: " << (unexpected.empty() ? std::string() : unexpected.front()));
    REQUIRE(unexpected.empty());
    CHECK(server.accepted("AttachCompshareDisk") == thread_count);

    // Status reads on the shared instance while a storm of cancels comes from another thread:
    // each result is its own host's read or a cancellation, never another call's.
    std::atomic<bool> stop{false};
    std::thread storm([&] {
        while (!stop.load())
            shared.cancel();
    });
    std::atomic<int> reads{0};
    std::atomic<int> cancelled{0};
    run_threads(thread_count, [&](int thread) {
        const std::string host = pool.host_id(thread);
        const std::string disk = pool.free_disk_id(thread);
        for (int i = 0; i < reads_per_thread; ++i) {
            const auto read = call("status", status_params(host, disk));
            if (reads_attached(read, host, disk, "/dev/vdc")) {
                ++reads;
            } else if (is_cancellation(read)) {
                ++cancelled;
            } else {
                wrong.add("status under cancels " + disk, read);
            }
        }
    });
    stop = true;
    storm.join();
    unexpected = wrong.list();
    INFO("reads " << reads.load() << ", cancelled " << cancelled.load() << ", first wrong: "
                  << (unexpected.empty() ? std::string() : unexpected.front()));
    CHECK(unexpected.empty());
    CHECK(reads + cancelled == thread_count * reads_per_thread);
    // At most one cancel is still pending: one call consumes it, the next one reads.
    call("status", status_params(pool.host_id(0), pool.free_disk_id(0)));
    CHECK(reads_attached(call("status", status_params(pool.host_id(0), pool.free_disk_id(0))),
                         pool.host_id(0), pool.free_disk_id(0), "/dev/vdc"));
    // status never writes: still only the four attaches of the first part.
    CHECK(server.count("AttachCompshareDisk") == thread_count);
    CHECK(server.count("DetachCompshareDisk") == 0);
}

TEST_CASE(
    "concurrency: compshare-disk attaches waiting on the service are cancelled from other "
    "threads") {
    constexpr int instance_count = 4;

    compshare_emulator::options options;
    options.state_json = pool.state_json(instance_count, 1, instance_count);
    options.attach_delay_ms = 10 * 60 * 1000;  // the disks stay "attaching": the waits never end
    compshare_emulator::server server(options);

    // Cancelled once the action reports its first poll of the (never ending) attach.
    const auto [results, latch_timeouts] = cancel_on_first_event(
        instance_count, config_for(server), "poll", [](const instance& worker, int i) {
            return worker.call("attach", params_for(pool.host_id(i), pool.free_disk_id(i)));
        });
    CHECK(latch_timeouts == 0);
    for (const auto& result : results) {
        INFO(result.json);
        CHECK(has_status(result, AH_CANCELLED, "attach_requested"));
        // The result tells the caller that the attach had been sent before the cancel.
        CHECK(result.json.find("\"attach_sent\":true") != std::string::npos);
    }
    CHECK(server.count("AttachCompshareDisk") == instance_count);
    CHECK(server.accepted("AttachCompshareDisk") == instance_count);
}
