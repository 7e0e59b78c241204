// timeout_seconds is a deadline for the whole request (name resolution, connect, TLS handshake,
// send, the whole reply), not a bound on each socket operation: servers that trickle a reply
// byte by byte, or never finish a handshake, fail when the deadline passes; name resolution
// gives up on the deadline and on cancel.
#include "client/api_client.hpp"
#include "client/host_resolver.hpp"
#include "stub_server.hpp"
#include "test_host.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <catch2/catch.hpp>

#include <thread>

using compshare::api_client;
using compshare::api_failure;
using compshare::call_kind;
using compshare::failure_kind;
using namespace std::chrono_literals;

namespace {

compshare::client_settings settings_for(const std::string& base_url,
                                        std::chrono::milliseconds timeout) {
    compshare::client_settings s;
    s.public_key = "deadline-public-key";
    s.private_key = "deadline-private-key";
    s.base_url = base_url;
    s.timeout = timeout;
    s.max_retries = 0;
    return s;
}

compshare::retry_policy fast_retries() {
    return compshare::retry_policy(1ms, 4ms, compshare::retry_policy::seeded(5));
}

// A server on a raw loopback socket that answers every connection slowly: the status line, then
// one piece every `pace` until `pieces` were sent or stop() is called. `headers` trickles header
// lines; otherwise the headers come at once and the body trickles one byte at a time.
class trickle_server {
  public:
    enum class mode { headers, body };
    trickle_server(mode m, std::chrono::milliseconds pace, int pieces)
        : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          thread_([this, m, pace, pieces] { serve(m, pace, pieces); }) {}
    ~trickle_server() {
        stop_.open();
        listener_.close();
        thread_.join();
    }
    std::string base_url() const {
        return "http://127.0.0.1:" + std::to_string(listener_.address().port()) + "/";
    }
    int pieces_sent() const { return sent_; }

  private:
    void serve(mode m, std::chrono::milliseconds pace, int pieces) {
        Poco::Net::StreamSocket peer;
        try {
            peer = listener_.acceptConnection();
            char request[4096];
            peer.receiveBytes(request, sizeof request);  // the request: not needed
            const std::string head =
                m == mode::headers
                    ? "HTTP/1.1 200 OK\r\n"
                    : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(pieces) + "\r\n\r\n";
            peer.sendBytes(head.data(), static_cast<int>(head.size()));
            for (int i = 0; i < pieces && !stop_.wait(pace); ++i) {
                const std::string piece =
                    m == mode::headers ? "X-Trickle-" + std::to_string(i) + ": slow\r\n" : " ";
                peer.sendBytes(piece.data(), static_cast<int>(piece.size()));
                ++sent_;
            }
        } catch (const Poco::Exception&) {
            // The client gave up and closed the connection, or the listener was closed.
        }
    }

    Poco::Net::ServerSocket listener_;
    test_support::gate stop_;
    std::atomic<int> sent_{0};
    std::thread thread_;
};

struct timed_failure {
    api_failure failure;
    std::chrono::steady_clock::duration elapsed;
};

timed_failure fail_call(api_client& client, call_kind kind,
                        std::optional<std::chrono::steady_clock::time_point> deadline = {}) {
    const auto start = std::chrono::steady_clock::now();
    try {
        client.call("DescribeCompShareInstance", {}, kind, deadline);
    } catch (const api_failure& e) {
        return {e, std::chrono::steady_clock::now() - start};
    }
    FAIL("the call succeeded");
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("compshare_client the timeout bounds a reply that trickles in",
          "[compshare_client][deadline]") {
    // 60 pieces at 250 ms: 15 s of trickle, each piece well within any per-read timeout.
    for (const auto m : {trickle_server::mode::headers, trickle_server::mode::body}) {
        DYNAMIC_SECTION((m == trickle_server::mode::headers ? "header lines" : "body bytes")) {
            trickle_server server(m, 250ms, 60);
            test_support::test_host host;
            api_client client(settings_for(server.base_url(), 1000ms), host.host(), fast_retries());
            const auto [failure, elapsed] = fail_call(client, call_kind::write);
            CHECK(elapsed >= 900ms);
            CHECK(elapsed < 4s);  // before: until the trickle ended, 15 s
            CHECK(server.pieces_sent() < 30);
            CHECK(failure.kind == failure_kind::network);
            CHECK(failure.reason == "timeout");
            CHECK(failure.retryable);
            CHECK(failure.maybe_sent);
            CHECK(failure.attempts == 1);
            CHECK_THAT(failure.what(),
                       Catch::Contains("the deadline of 1000 ms for the request passed while "
                                       "waiting for the response"));
            CHECK(client.stats().connections_opened == 1);
        }
    }
}

TEST_CASE("compshare_client the caller's deadline still cuts the timeout",
          "[compshare_client][deadline]") {
    trickle_server server(trickle_server::mode::headers, 250ms, 60);
    test_support::test_host host;
    api_client client(settings_for(server.base_url(), 30s), host.host(), fast_retries());
    const auto [failure, elapsed] =
        fail_call(client, call_kind::read, std::chrono::steady_clock::now() + 700ms);
    CHECK(elapsed < 3s);  // not the configured 30 s
    CHECK(failure.reason == "timeout");
    CHECK_THAT(failure.what(), Catch::Contains("the deadline of") &&
                                   Catch::Contains("passed while waiting for the response") &&
                                   !Catch::Contains("30000 ms"));
}

TEST_CASE("compshare_client the timeout bounds a TLS handshake that never ends",
          "[compshare_client][deadline][tls]") {
    // Accepts the connection and never answers the ClientHello.
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    test_support::gate done;
    std::thread acceptor([&] {
        auto peer = listener.acceptConnection();
        done.wait(30s);
    });
    test_support::test_host host;
    api_client client(
        settings_for("https://127.0.0.1:" + std::to_string(listener.address().port()), 700ms),
        host.host(), fast_retries());
    const auto [failure, elapsed] = fail_call(client, call_kind::write);
    done.open();
    acceptor.join();
    CHECK(elapsed < 3s);
    CHECK(failure.reason == "connect_timeout");
    CHECK(failure.retryable);
    CHECK_FALSE(failure.maybe_sent);
    CHECK_THAT(failure.what(), Catch::Contains("the deadline of 700 ms for the request passed "
                                               "while connecting"));
}

namespace {

// A lookup that blocks until released, telling when it started.
struct blocking_lookup {
    test_support::gate started, release;
    std::atomic<int> calls{0};
    compshare::host_resolver::lookup_fn fn() {
        return [this](const std::string&, std::uint16_t port) {
            ++calls;
            started.open();
            release.wait(30s);
            return Poco::Net::SocketAddress("127.0.0.1", port);
        };
    }
};

}  // namespace

TEST_CASE("compshare_client name resolution gives up at the deadline and on cancel",
          "[compshare_client][deadline][dns]") {
    using compshare::host_resolver;
    using compshare::resolve_failure;
    actionhost::cancel_signal cancel;

    SECTION("the deadline") {
        blocking_lookup lookup;
        host_resolver resolver(lookup.fn());
        const auto start = std::chrono::steady_clock::now();
        try {
            resolver.resolve("slow.example", 443, cancel, start + 300ms);
            FAIL("resolved");
        } catch (const resolve_failure& f) {
            CHECK(f.what == resolve_failure::kind::deadline);
            CHECK_THAT(f.message, Catch::Contains("the deadline passed while resolving "
                                                  "slow.example"));
        }
        const auto elapsed = std::chrono::steady_clock::now() - start;
        CHECK(elapsed >= 250ms);
        CHECK(elapsed < 3s);
        CHECK(resolver.abandoned() == 1);  // still running, its result will be dropped
        lookup.release.open();             // the destructor then joins it
    }
    SECTION("a cancel") {
        blocking_lookup lookup;
        host_resolver resolver(lookup.fn());
        std::thread canceller([&] {
            if (lookup.started.wait(10s))
                cancel.request();
        });
        const auto start = std::chrono::steady_clock::now();
        try {
            resolver.resolve("slow.example", 443, cancel, start + 60s);
            FAIL("resolved");
        } catch (const resolve_failure& f) {
            CHECK(f.what == resolve_failure::kind::cancelled);
        }
        canceller.join();
        CHECK(std::chrono::steady_clock::now() - start < 5s);
        lookup.release.open();
    }
    SECTION("an abandoned lookup is reaped once it finished") {
        blocking_lookup lookup;
        host_resolver resolver(lookup.fn());
        CHECK_THROWS_AS(
            resolver.resolve("slow.example", 443, cancel, std::chrono::steady_clock::now() + 50ms),
            resolve_failure);
        lookup.release.open();
        // The released lookup finishes on its own thread, in its own time (bounded wait).
        const auto give_up = std::chrono::steady_clock::now() + 10s;
        while (resolver.abandoned() != 0 && std::chrono::steady_clock::now() < give_up)
            std::this_thread::yield();
        // The next lookup (which no longer blocks) works and reaps the first one.
        const auto address =
            resolver.resolve("next.example", 8443, cancel, std::chrono::steady_clock::now() + 10s);
        CHECK(address.port() == 8443);
        CHECK(resolver.abandoned() == 0);
        CHECK(lookup.calls == 2);
    }
    SECTION("an IP literal needs no lookup") {
        blocking_lookup lookup;
        host_resolver resolver(lookup.fn());
        CHECK(resolver.resolve("127.0.0.1", 80, cancel, std::chrono::steady_clock::now())
                  .host()
                  .isLoopback());
        CHECK(resolver.resolve("::1", 80, cancel, std::chrono::steady_clock::now())
                  .host()
                  .isLoopback());
        CHECK(lookup.calls == 0);
    }
    SECTION("a name that does not resolve") {
        host_resolver resolver(
            [](const std::string& host, std::uint16_t) -> Poco::Net::SocketAddress {
                throw Poco::Net::HostNotFoundException(host);
            });
        try {
            resolver.resolve("nowhere.invalid", 443, cancel,
                             std::chrono::steady_clock::now() + 10s);
            FAIL("resolved");
        } catch (const resolve_failure& f) {
            CHECK(f.what == resolve_failure::kind::failed);
            CHECK_THAT(f.message, Catch::Contains("nowhere.invalid"));
        }
    }
    SECTION("the real resolver finds localhost") {
        host_resolver resolver;
        CHECK(resolver.resolve("localhost", 80, cancel, std::chrono::steady_clock::now() + 10s)
                  .host()
                  .isLoopback());
    }
}
