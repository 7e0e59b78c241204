// compshare-disk against one in-process compshare-emulator, from several threads: each thread
// owns a plugin instance (with its own keep-alive connection) and detaches distinct disks; and
// detaches that wait for a slow detach are cancelled from other threads. Through the C ABI only.
#include "compshare_support.hpp"
#include "fleet_state.hpp"

#include <catch2/catch.hpp>

#include <compshare_emulator/server.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

using namespace concurrency_test;

namespace {

const test_support::fleet pool("conc");

std::string detach_params(int host, int disk) {
    return R"({"UHostId":")" + pool.host_id(host) + R"(","UDiskId":")" + pool.disk_id(host, disk) +
           R"(","PollIntervalSeconds":0.1})";
}

}  // namespace

TEST_CASE("concurrency: compshare-disk detaches distinct disks from several threads at once") {
    constexpr int thread_count = 4;
    constexpr int hosts_per_thread = 2;
    constexpr int disks_per_host = 2;
    constexpr int hosts = thread_count * hosts_per_thread;
    constexpr int total = hosts * disks_per_host;

    compshare_emulator::options options;
    options.state_json = pool.state_json(hosts, disks_per_host);
    compshare_emulator::server server(options);

    std::atomic<int> detached{0};
    std::mutex wrong_mutex;
    std::vector<std::string> wrong;
    run_threads(thread_count, [&](int thread) {
        const instance worker(compshare_library(), config_for(server));
        for (int k = 0; k < hosts_per_thread; ++k) {
            const int host = thread + k * thread_count;
            for (int disk = 0; disk < disks_per_host; ++disk) {
                const auto result = worker.call("detach", detach_params(host, disk));
                if (result.status == AH_OK &&
                    result.json.find("\"status\":\"detached\"") != std::string::npos &&
                    result.json.find(pool.disk_id(host, disk)) != std::string::npos) {
                    ++detached;
                } else {
                    std::lock_guard<std::mutex> lock(wrong_mutex);
                    wrong.push_back(result.json);
                }
            }
        }
    });
    INFO("first wrong result: " << (wrong.empty() ? std::string() : wrong.front()));
    CHECK(wrong.empty());
    CHECK(detached == total);
    // Exactly one detach per disk reached the emulator, and every data disk left its instance.
    CHECK(server.count("DetachCompshareDisk") == total);
    CHECK(server.accepted("DetachCompshareDisk") == total);
    CHECK(data_disks_attached(server.state_json()) == 0);
}

TEST_CASE(
    "concurrency: compshare-disk detaches waiting on the service are cancelled from other "
    "threads") {
    constexpr int instance_count = 4;

    compshare_emulator::options options;
    options.state_json = pool.state_json(instance_count, 1);
    options.detach_delay_ms = 10 * 60 * 1000;  // the disks stay "detaching": the waits never end
    compshare_emulator::server server(options);

    // Cancelled once the action reports its first poll of the (never ending) detach.
    const auto [results, latch_timeouts] = cancel_on_first_event(
        instance_count, config_for(server), "poll",
        [](const instance& worker, int i) { return worker.call("detach", detach_params(i, 0)); });
    CHECK(latch_timeouts == 0);
    for (const auto& result : results) {
        INFO(result.json);
        CHECK(result.status == AH_CANCELLED);
        CHECK(result.json.find("\"ok\":false") != std::string::npos);
        // The result tells the caller that the detach had been sent before the cancel.
        CHECK(result.json.find("\"detach_sent\":true") != std::string::npos);
    }
    CHECK(server.count("DetachCompshareDisk") == instance_count);
}
