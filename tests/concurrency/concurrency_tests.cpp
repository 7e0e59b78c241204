// Several instances of one plugin used from several threads at once, through the C ABI only
// (dlopen + dlsym, as a third-party host would). Built and run under the asan preset and under
// ThreadSanitizer: the assertions catch wrong results, the sanitizers catch races and leaks.
#include <actionhost/plugin_api.h>

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <dlfcn.h>

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

namespace {

using namespace std::chrono_literals;

// How long any wait may take before the test fails instead of hanging.
constexpr auto wait_limit = 60s;

std::string plugin_path() {
    const char* from_env = std::getenv("ACTIONHOST_TEST_ECHO_PLUGIN");
    return from_env != nullptr && *from_env != '\0' ? from_env : TEST_ECHO_PLUGIN;
}

// The plugin's exports, resolved once; dlclose on destruction.
class plugin_library {
  public:
    explicit plugin_library(const std::string& path)
        : handle_(::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
        if (handle_ == nullptr)
            throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
        resolve(api_version, "ah_plugin_api_version");
        resolve(create, "ah_plugin_create");
        resolve(destroy, "ah_plugin_destroy");
        resolve(invoke, "ah_plugin_invoke");
        resolve(last_error, "ah_plugin_last_error");
        resolve(cancel, "ah_plugin_cancel");
    }
    ~plugin_library() { ::dlclose(handle_); }
    plugin_library(const plugin_library&) = delete;
    plugin_library& operator=(const plugin_library&) = delete;

    decltype(&ah_plugin_api_version) api_version = nullptr;
    decltype(&ah_plugin_create) create = nullptr;
    decltype(&ah_plugin_destroy) destroy = nullptr;
    decltype(&ah_plugin_invoke) invoke = nullptr;
    decltype(&ah_plugin_last_error) last_error = nullptr;
    decltype(&ah_plugin_cancel) cancel = nullptr;

  private:
    template <class Fn>
    void resolve(Fn& target, const char* name) {
        void* symbol = ::dlsym(handle_, name);
        if (symbol == nullptr)
            throw std::runtime_error(std::string("missing symbol ") + name);
        target = reinterpret_cast<Fn>(symbol);
    }

    void* handle_;
};

const plugin_library& library() {
    // Loaded once for the whole run; no test mutates it.
    static const plugin_library loaded(plugin_path());
    return loaded;
}

// Counts the plugin's "blocking" events so another thread can wait for one (no sleeps).
class blocking_latch {
  public:
    void on_event(const char* message) {
        if (std::strstr(message, "\"event\":\"blocking\"") == nullptr)
            return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++count_;
        }
        changed_.notify_all();
    }
    bool wait_for_count(int count) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, wait_limit, [&] { return count_ >= count; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

void log_to_latch(void* ctx, ah_log_level, const char* message) {
    static_cast<blocking_latch*>(ctx)->on_event(message);
}

struct instance_deleter {
    void operator()(ah_instance* instance) const { library().destroy(instance); }
};
using instance_ptr = std::unique_ptr<ah_instance, instance_deleter>;

instance_ptr make_instance(const std::string& config, blocking_latch* latch = nullptr) {
    ah_host_api host{};
    host.struct_size = sizeof host;
    host.api_version = AH_PLUGIN_API_VERSION;
    host.host_ctx = latch;
    host.log = latch != nullptr ? log_to_latch : nullptr;
    ah_instance* raw = nullptr;
    const ah_status status = library().create(&host, config.c_str(), &raw);
    instance_ptr instance(raw);
    if (status != AH_OK) {
        throw std::runtime_error("create failed: " +
                                 std::string(raw ? library().last_error(raw) : "(no instance)"));
    }
    return instance;
}

struct call_result {
    ah_status status;
    std::string json;  // copied: the plugin's buffer lives only until the next call
};

call_result call(ah_instance* instance, const char* action, const std::string& params) {
    const char* result = nullptr;
    std::size_t length = 0;
    const ah_status status =
        library().invoke(instance, action, params.data(), params.size(), &result, &length);
    if (result == nullptr)
        return {status, "<no result>"};
    if (std::strlen(result) != length)
        return {status, "<result length mismatch>"};
    return {status, std::string(result, length)};
}

Poco::JSON::Object::Ptr parse(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

// Runs `body(index)` on `count` threads and joins them.
template <class Body>
void run_threads(int count, Body body) {
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(count));
    for (int index = 0; index < count; ++index)
        threads.emplace_back(body, index);
    for (auto& thread : threads)
        thread.join();
}

}  // namespace

TEST_CASE("concurrency: parallel echo on distinct instances returns each instance's own result") {
    constexpr int instance_count = 4;
    constexpr int thread_count = 8;
    constexpr int iterations = 300;

    // Calls on one instance are serialised by the caller (the ABI rule); each thread rotates
    // over all instances, so every instance is used by every thread, never by two at once.
    std::vector<instance_ptr> instances;
    std::vector<std::mutex> guards(instance_count);
    for (int i = 0; i < instance_count; ++i) {
        instances.push_back(make_instance(R"({"greeting":"instance-)" + std::to_string(i) + "\"}"));
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
            call_result result;
            {
                std::lock_guard<std::mutex> lock(guards[static_cast<std::size_t>(which)]);
                result = call(instances[static_cast<std::size_t>(which)].get(), "echo", params);
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

    std::vector<std::unique_ptr<blocking_latch>> latches;
    std::vector<instance_ptr> instances;
    for (int i = 0; i < instance_count; ++i) {
        latches.push_back(std::make_unique<blocking_latch>());
        instances.push_back(make_instance("{}", latches.back().get()));
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
                const auto result = call(instances[index].get(), "block", R"({"seconds":60})");
                const auto returned = std::chrono::steady_clock::now();
                if (result.status == AH_CANCELLED &&
                    result.json.find("\"ok\":false") != std::string::npos) {
                    ++cancelled;
                }
                // cancel_sent[index] was written before ah_plugin_cancel (which the invoker
                // observed), so reading it here is ordered by the plugin's own atomics.
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
                library().cancel(instances[index].get());
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
    for (auto& instance : instances) {
        CHECK(call(instance.get(), "block", R"({"seconds":0})").status == AH_OK);
    }
}

TEST_CASE("concurrency: a storm of cancels during invokes gives only OK or CANCELLED results") {
    constexpr int iterations = 2000;
    auto instance = make_instance(R"({"greeting":"storm"})");
    std::atomic<bool> stop{false};
    std::atomic<int> cancels{0};
    std::thread storm([&] {
        while (!stop.load()) {
            library().cancel(instance.get());  // any thread, any time between create and destroy
            ++cancels;
        }
    });
    int ok = 0;
    int cancelled = 0;
    int wrong = 0;
    std::string first_wrong;
    for (int i = 0; i < iterations; ++i) {
        const std::string params = R"({"i":)" + std::to_string(i) + "}";
        const auto result = call(instance.get(), "echo", params);
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
    call(instance.get(), "echo", "{}");
    CHECK(call(instance.get(), "echo", "{}").status == AH_OK);
}

TEST_CASE("concurrency: create and destroy churn on several threads") {
    constexpr int thread_count = 4;
    constexpr int iterations = 200;
    std::atomic<int> wrong{0};
    run_threads(thread_count, [&](int thread) {
        for (int i = 0; i < iterations; ++i) {
            blocking_latch latch;
            ah_host_api host{};
            host.struct_size = sizeof host;
            host.api_version = AH_PLUGIN_API_VERSION;
            host.host_ctx = &latch;
            host.log = log_to_latch;
            // Every fifth create is refused by the plugin: the error-only instance must be
            // destroyed as cleanly as a working one.
            const bool refuse = i % 5 == 0;
            const std::string config = refuse
                                           ? R"({"fail_create":true})"
                                           : R"({"greeting":"t)" + std::to_string(thread) + "\"}";
            ah_instance* raw = nullptr;
            const ah_status status = library().create(&host, config.c_str(), &raw);
            instance_ptr instance(raw);
            if (!instance || (status == AH_OK) == refuse) {
                ++wrong;
                continue;
            }
            const auto result = call(instance.get(), "echo", "{}");
            const bool right =
                refuse ? result.status == AH_ERROR &&
                             std::strlen(library().last_error(instance.get())) > 0
                       : result.status == AH_OK &&
                             result.json.find("\"greeting\":\"t" + std::to_string(thread) + "\"") !=
                                 std::string::npos;
            if (!right)
                ++wrong;
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

// compshare-disk against compshare-emulator goes here once both exist: several instances, each
// with its own keep-alive session to one emulator, detaching distinct disks from several threads
// (every detach reaches the emulator once, per its request log), and a cancel from another thread
// while `detach` polls. Register it in CMakeLists.txt under
// `if(TARGET compshare-disk AND TARGET compshare-emulator)`, with the plugin path passed like
// TEST_ECHO_PLUGIN.
