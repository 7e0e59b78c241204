// Several instances of one plugin used from several threads at once, through the C ABI only
// (the host's loader, then the resolved exports, as a third-party host would). Built and run under the asan preset and under
// ThreadSanitizer: the assertions catch wrong results, the sanitizers catch races and leaks.
#include "c_abi.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace concurrency_test;

namespace {

std::string plugin_path() {
    const char* from_env = std::getenv("ACTIONHOST_TEST_ECHO_PLUGIN");
    return from_env != nullptr && *from_env != '\0' ? from_env : TEST_ECHO_PLUGIN;
}

const ah_plugin_table& library() {
    // Loaded once for the whole run; no test mutates it.
    static const auto loaded = actionhost::core::plugin_library::open(plugin_path());
    return loaded->functions();
}

Poco::JSON::Object::Ptr parse(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("concurrency: parallel echo on distinct instances returns each instance's own result") {
    constexpr int instance_count = 4;
    constexpr int thread_count = 8;
    constexpr int iterations = 300;

    // Calls on one instance are serialised by the caller (the ABI rule); each thread rotates
    // over all instances, so every instance is used by every thread, never by two at once.
    std::vector<std::unique_ptr<instance>> instances;
    std::vector<std::mutex> guards(instance_count);
    for (int i = 0; i < instance_count; ++i) {
        instances.push_back(std::make_unique<instance>(
            library(), R"({"greeting":"instance-)" + std::to_string(i) + "\"}"));
    }

    std::atomic<int> wrong{0};
    std::atomic<int> done{0};
    std::mutex first_error_mutex;
    std::string first_error;
    run_threads(thread_count, [&](int thread) {
        for (int i = 0; i < iterations; ++i) {
            const int which = (thread + i) % instance_count;
            const std::string params =
                R"({"thread":)" + std::to_string(thread) + R"(,"i":)" + std::to_string(i) + "}";
            instance::call_result result;
            {
                std::lock_guard<std::mutex> lock(guards[static_cast<std::size_t>(which)]);
                result = instances[static_cast<std::size_t>(which)]->call("echo", params);
            }
            bool right = false;
            try {
                const auto object = parse(result.json);
                const auto echoed = object->getObject("params");
                right = result.status == AH_OK && object->getValue<bool>("ok") &&
                        object->getValue<std::string>("greeting") ==
                            "instance-" + std::to_string(which) &&
                        echoed && echoed->getValue<int>("thread") == thread &&
                        echoed->getValue<int>("i") == i;
            } catch (const std::exception&) {
                right = false;
            }
            if (!right) {
                ++wrong;
                std::lock_guard<std::mutex> lock(first_error_mutex);
                if (first_error.empty())
                    first_error = result.json;
            }
            ++done;
        }
    });
    INFO("first wrong result: " << first_error);
    CHECK(done == thread_count * iterations);
    CHECK(wrong == 0);
}

TEST_CASE("concurrency: cancel from other threads while several instances block") {
    constexpr int instance_count = 4;
    constexpr int rounds = 5;

    std::vector<std::unique_ptr<event_latch>> latches;
    std::vector<std::unique_ptr<instance>> instances;
    for (int i = 0; i < instance_count; ++i) {
        latches.push_back(std::make_unique<event_latch>("blocking"));
        instances.push_back(std::make_unique<instance>(library(), "{}", latches.back().get()));
    }

    std::atomic<int> cancelled{0};
    std::atomic<int> latch_timeouts{0};
    std::atomic<long long> slowest_ms{0};
    std::vector<std::chrono::steady_clock::time_point> cancel_sent(instance_count);
    std::vector<std::thread> threads;
    for (int i = 0; i < instance_count; ++i) {
        const auto index = static_cast<std::size_t>(i);
        // The invoker blocks for up to a minute per round; only a cancel ends it sooner.
        threads.emplace_back([&, index] {
            for (int round = 0; round < rounds; ++round) {
                const auto result = instances[index]->call("block", R"({"seconds":60})");
                const auto returned = std::chrono::steady_clock::now();
                if (result.status == AH_CANCELLED &&
                    result.json.find("\"ok\":false") != std::string::npos) {
                    ++cancelled;
                }
                // cancel_sent[index] was written before ah_plugin_cancel, whose effect this
                // thread observed through the plugin's atomics: the read is ordered.
                const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      returned - cancel_sent[index])
                                      .count();
                long long previous = slowest_ms.load();
                while (took > previous && !slowest_ms.compare_exchange_weak(previous, took)) {
                }
            }
        });
        // The canceller waits for each round's "blocking" event, then cancels from its thread.
        threads.emplace_back([&, index] {
            for (int round = 0; round < rounds; ++round) {
                if (!latches[index]->wait_for_count(round + 1)) {
                    ++latch_timeouts;
                    return;
                }
                cancel_sent[index] = std::chrono::steady_clock::now();
                instances[index]->cancel();
            }
        });
    }
    for (auto& thread : threads)
        thread.join();

    CHECK(latch_timeouts == 0);
    CHECK(cancelled == instance_count * rounds);
    INFO("slowest cancel-to-return: " << slowest_ms.load() << " ms");
    CHECK(slowest_ms.load() < 5000);
    // Every cancel was consumed by its invocation: the instances work normally afterwards.
    for (auto& each : instances) {
        CHECK(each->call("block", R"({"seconds":0})").status == AH_OK);
    }
}

TEST_CASE("concurrency: a storm of cancels during invokes gives only OK or CANCELLED results") {
    constexpr int iterations = 2000;
    const instance target(library(), R"({"greeting":"storm"})");
    std::atomic<bool> stop{false};
    std::atomic<int> cancels{0};
    std::thread storm([&] {
        while (!stop.load()) {
            target.cancel();  // any thread, any time between create and destroy
            ++cancels;
        }
    });
    int ok = 0;
    int cancelled = 0;
    int wrong = 0;
    std::string first_wrong;
    for (int i = 0; i < iterations; ++i) {
        const std::string params = R"({"i":)" + std::to_string(i) + "}";
        const auto result = target.call("echo", params);
        if (result.status == AH_OK &&
            result.json.find(R"("params":{"i":)" + std::to_string(i) + "}") != std::string::npos) {
            ++ok;
        } else if (result.status == AH_CANCELLED &&
                   result.json.find("\"ok\":false") != std::string::npos) {
            ++cancelled;
        } else {
            ++wrong;
            if (first_wrong.empty())
                first_wrong = result.json;
        }
    }
    stop = true;
    storm.join();
    INFO("ok " << ok << ", cancelled " << cancelled << ", cancels sent " << cancels.load()
               << ", first wrong: " << first_wrong);
    CHECK(wrong == 0);
    CHECK(ok + cancelled == iterations);
    // At most one request can still be pending: one more call consumes it, the next succeeds.
    target.call("echo", "{}");
    CHECK(target.call("echo", "{}").status == AH_OK);
}

TEST_CASE("concurrency: create and destroy churn on several threads") {
    constexpr int thread_count = 4;
    constexpr int iterations = 200;
    std::atomic<int> wrong{0};
    run_threads(thread_count, [&](int thread) {
        for (int i = 0; i < iterations; ++i) {
            event_latch latch("blocking");
            // Every fifth create is refused by the plugin: the error-only instance must be
            // destroyed as cleanly as a working one.
            const bool refuse = i % 5 == 0;
            const std::string greeting = "t" + std::to_string(thread);
            const std::string config =
                refuse ? R"({"fail_create":true})" : R"({"greeting":")" + greeting + "\"}";
            try {
                const instance created(library(), config, &latch);
                const auto result = created.call("echo", "{}");
                if (refuse || result.status != AH_OK ||
                    result.json.find("\"greeting\":\"" + greeting + "\"") == std::string::npos) {
                    ++wrong;
                }
            } catch (const std::runtime_error& refused) {
                // Thrown after the error-only instance was destroyed by its owner.
                if (!refuse || std::strstr(refused.what(), "fail_create") == nullptr)
                    ++wrong;
            }
        }
    });
    CHECK(wrong == 0);
}

TEST_CASE("concurrency: the API version is readable from many threads at once") {
    std::atomic<int> wrong{0};
    run_threads(8, [&](int) {
        for (int i = 0; i < 1000; ++i) {
            if (std::strcmp(library().api_version(), AH_PLUGIN_API_VERSION) != 0)
                ++wrong;
        }
    });
    CHECK(wrong == 0);
}

// compshare-disk against compshare-emulator: compshare_disk_concurrency.cpp.
