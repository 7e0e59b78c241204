// --timeout and signals on test-echo's block action: the plugin is cancelled, returns its own
// result, and the exit code says why. No sleeps: the signal is sent from the plugin's "blocking"
// log event, i.e. once the plugin is known to be waiting.
#include "invocation.hpp"
#include "plugin_catalog.hpp"
#include "plugin_instance.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

using namespace actionhost::core;

namespace {

std::shared_ptr<const plugin_library> echo_library() {
    const auto catalog = plugin_catalog::scan({test_support::echo_dir});
    return plugin_library::load(catalog.require("test-echo"));
}

// A host whose log callback sends `signo` to the process at the "blocking" event.
struct signalling_host {
    int signo = 0;
    std::atomic<int> sent{0};

    static void log(void* ctx, ah_log_level, const char* message) {
        auto* self = static_cast<signalling_host*>(ctx);
        if (std::strstr(message, "\"blocking\"") != nullptr && self->signo != 0) {
            self->sent.fetch_add(1);
            ::kill(::getpid(), self->signo);
        }
    }
    ah_host_api api() {
        return {sizeof(ah_host_api), AH_PLUGIN_API_VERSION, this, &signalling_host::log};
    }
};

}  // namespace

TEST_CASE("host invocation: --timeout cancels a blocked action, exit 7", "[host][invocation]") {
    plugin_instance instance(echo_library(), "{}", nullptr);
    invocation_options options;
    options.timeout = std::chrono::milliseconds(50);
    const auto r = run_invocation(instance, "block", "{}", options);
    CHECK(r.reason == cancel_reason::timeout);
    CHECK(r.exit_code == 7);
    CHECK(r.outcome.status == AH_CANCELLED);
    CHECK(
        r.outcome.result_json ==
        R"({"ok":false,"error":{"type":"Timeout","message":"timed out after 0.05 s (--timeout): cancelled while blocking","retryable":false}})");
}

TEST_CASE("host invocation: an action that ends before the timeout", "[host][invocation]") {
    plugin_instance instance(echo_library(), "{}", nullptr);
    invocation_options options;
    options.timeout = std::chrono::seconds(60);
    const auto r = run_invocation(instance, "echo", R"({"a":1})", options);
    CHECK(r.reason == cancel_reason::none);
    CHECK(r.exit_code == 0);
    CHECK(r.outcome.status == AH_OK);
    const auto failed =
        run_invocation(instance, "fail", R"({"type":"EchoNoCredentials"})", options);
    CHECK(failed.exit_code == 3);
}

TEST_CASE("host invocation: without timeout or signals", "[host][invocation]") {
    plugin_instance instance(echo_library(), "{}", nullptr);
    const auto r = run_invocation(instance, "block", R"({"seconds":0})", {});
    CHECK(r.outcome.status == AH_OK);
    CHECK(r.outcome.result_json == R"({"ok":true,"blocked":true})");
    CHECK(r.exit_code == 0);
}

TEST_CASE("host invocation: SIGTERM, SIGINT and SIGHUP cancel, exit 143 / 130 / 129",
          "[host][invocation]") {
    // Before any thread of this test starts. Every signal sent goes to the invocation's route:
    // one that reached the idle handler would be a bug.
    std::atomic<int> idle{0};
    signal_watcher watcher([&](int) { idle.fetch_add(1); });
    const auto [signo, reason, code] =
        GENERATE(table<int, cancel_reason, int>({{SIGTERM, cancel_reason::sigterm, 143},
                                                 {SIGINT, cancel_reason::sigint, 130},
                                                 {SIGHUP, cancel_reason::sighup, 129}}));
    signalling_host host;
    host.signo = signo;
    const ah_host_api api = host.api();
    plugin_instance instance(echo_library(), "{}", &api);
    invocation_options options;
    options.signals = &watcher;
    const auto r = run_invocation(instance, "block", "{}", options);
    CHECK(host.sent.load() == 1);
    CHECK(r.reason == reason);
    CHECK(r.exit_code == code);
    CHECK(r.outcome.status == AH_CANCELLED);
    CHECK_THAT(r.outcome.result_json, Catch::Contains("cancelled while blocking"));
    sigset_t pending;
    sigpending(&pending);
    CHECK_FALSE(sigismember(&pending, signo));  // consumed by the watcher
    CHECK(idle.load() == 0);
}

TEST_CASE("host invocation: a second signal while the plugin returns", "[host][invocation]") {
    std::atomic<int> idle{0};
    signal_watcher watcher([&](int) { idle.fetch_add(1); });
    // Both signals are pending before the plugin looks at its cancel: the first cancels, the
    // second reaches the on_second_signal hook (where the real host exits at once).
    struct double_host {
        static void log(void*, ah_log_level, const char* message) {
            if (std::strstr(message, "\"blocking\"") != nullptr) {
                ::kill(::getpid(), SIGINT);
                ::kill(::getpid(), SIGTERM);
            }
        }
    };
    const ah_host_api api{sizeof(ah_host_api), AH_PLUGIN_API_VERSION, nullptr, &double_host::log};
    plugin_instance instance(echo_library(), "{}", &api);
    std::atomic<int> second{0};
    invocation_options options;
    options.signals = &watcher;
    options.on_repeated_signal = [&](int signo) { second.store(signo); };
    const auto r = run_invocation(instance, "block", "{}", options);
    CHECK(r.reason == cancel_reason::sigint);
    CHECK(r.exit_code == 130);
    CHECK(second.load() == SIGTERM);
    CHECK(idle.load() == 0);
}
