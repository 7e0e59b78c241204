// api_client against a small stub server, for what the emulator does not show: the request's
// exact shape, the moment a request is in flight (cancel), server-side connection counts and
// servers that close connections.
#include "client/api_client.hpp"
#include "client/signature.hpp"
#include "stub_server.hpp"
#include "test_host.hpp"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

using compshare::api_client;
using compshare::api_failure;
using compshare::call_kind;
using compshare::failure_kind;
using namespace std::chrono_literals;

namespace {

const std::string pub = "stub-public-key";
const std::string priv = "stub-private-key-never-shown";

compshare::client_settings stub_settings(const std::string& base_url) {
    compshare::client_settings s;
    s.public_key = pub;
    s.private_key = priv;
    s.base_url = base_url;
    s.timeout = 5s;
    s.max_retries = 2;
    s.user_agent = "actionhost/9.9 compshare-disk/1.2.3";
    return s;
}

compshare::retry_policy fast_retries() {
    return compshare::retry_policy(1ms, 4ms, compshare::retry_policy::seeded(3));
}

struct seen_request {
    std::string method, uri, content_type, user_agent, timestamp;
    std::vector<std::string> header_names;  // in the order sent
    std::map<std::string, std::string> params;
};

}  // namespace

TEST_CASE("compshare_client request shape: POST form, headers, signature",
          "[compshare_client][stub]") {
    std::mutex mutex;
    std::vector<seen_request> seen;
    test_support::stub_server server([&](auto& request, auto& response) {
        seen_request r;
        r.method = request.getMethod();
        r.uri = request.getURI();
        r.content_type = request.getContentType();
        r.user_agent = request.get("User-Agent", "");
        r.timestamp = request.get("U-Timestamp-Ms", "");
        for (const auto& header : request)
            r.header_names.push_back(header.first);
        Poco::Net::HTMLForm form(request, request.stream());
        for (const auto& [k, v] : form)
            r.params[k] = v;
        {
            std::lock_guard<std::mutex> lock(mutex);
            seen.push_back(r);
        }
        test_support::send_json(response,
                                R"({"RetCode":0,"Action":"DescribeCompShareInstanceResponse"})");
    });
    test_support::test_host host;
    auto settings = stub_settings(server.base_url());
    settings.project_id = "org-project";
    api_client client(settings, host.host(), fast_retries());

    const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    client.call("DescribeCompShareInstance",
                {{"Region", "cn-wlcb"},
                 {"UHostIds.0", "uhost-a b&c"},
                 {"Signature", "forged"},
                 {"Zone", ""}},
                call_kind::read);
    client.call("DescribeCompShareInstance", {{"ProjectId", "explicit"}}, call_kind::read);

    REQUIRE(seen.size() == 2);
    const auto& r = seen[0];
    CHECK(r.method == "POST");
    CHECK(r.uri == "/");
    CHECK(r.content_type == "application/x-www-form-urlencoded");
    CHECK(r.user_agent == "actionhost/9.9 compshare-disk/1.2.3");
    // Only these headers: keep-alive is HTTP/1.1's default (the connection is still reused, see
    // the keep-alive test), and the API answers JSON without an Accept.
    CHECK(r.header_names == std::vector<std::string>{"Host", "Content-Type", "User-Agent",
                                                     "Content-Length", "U-Timestamp-Ms"});
    const long long stamp = std::stoll(r.timestamp);
    CHECK(stamp >= before);
    CHECK(stamp <= before + 60000);
    CHECK(r.params.at("Action") == "DescribeCompShareInstance");
    CHECK(r.params.at("PublicKey") == pub);
    CHECK(r.params.at("Region") == "cn-wlcb");
    CHECK(r.params.at("UHostIds.0") == "uhost-a b&c");  // form-encoded and decoded intact
    CHECK(r.params.at("ProjectId") == "org-project");   // from the settings
    // The Signature verifies over everything else (the caller's "forged" one was dropped).
    auto unsigned_params = r.params;
    unsigned_params.erase("Signature");
    CHECK(r.params.at("Signature") == compshare::sign(unsigned_params, priv));
    CHECK(r.params.count("PrivateKey") == 0);
    CHECK(r.params.count("Zone") == 0);  // empty = not given: neither sent nor signed
    // A ProjectId given by the caller wins over the settings.
    CHECK(seen[1].params.at("ProjectId") == "explicit");
}

TEST_CASE("compshare_client User-Agent cannot inject headers", "[compshare_client][stub]") {
    std::string agent, injected;
    test_support::stub_server server([&](auto& request, auto& response) {
        agent = request.get("User-Agent", "");
        injected = request.get("X-Injected", "");
        test_support::send_json(response, R"({"RetCode":0})");
    });
    test_support::test_host host;
    auto settings = stub_settings(server.base_url());
    settings.user_agent = "actionhost\r\nX-Injected: yes";
    api_client client(settings, host.host(), fast_retries());
    client.call("X", {}, call_kind::read);
    CHECK(agent == "actionhostX-Injected: yes");
    CHECK(injected.empty());
}

TEST_CASE("compshare_client an oversized response body is a bad response",
          "[compshare_client][stub]") {
    test_support::stub_server server([&](auto&, auto& response) {
        test_support::send_json(response,
                                R"({"RetCode":0,"Pad":")" + std::string(9 << 20, 'x') + "\"}");
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
    try {
        client.call("X", {}, call_kind::read);
        FAIL("no error");
    } catch (const api_failure& e) {
        CHECK(e.kind == failure_kind::bad_response);
        CHECK_THAT(e.what(), Catch::Contains("too large"));
    }
    // The connection was dropped rather than drained: the next call opens a new one.
    CHECK_THROWS_AS(client.call("X", {}, call_kind::read), api_failure);
    CHECK(client.stats().connections_opened == 2);
}

TEST_CASE("compshare_client a chunked response body is read whole", "[compshare_client][stub]") {
    // No Content-Length: the body is read in pieces to its last chunk, and the connection stays.
    const std::string pad(20000, 'p');
    test_support::stub_server server([&](auto&, auto& response) {
        response.setChunkedTransferEncoding(true);
        response.setContentType("application/json");
        std::ostream& out = response.send();
        out << R"({"RetCode":0,"Pad":")";
        out.flush();
        out << pad << R"("})";
        out.flush();
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
    for (int i = 0; i < 2; ++i) {
        const auto reply = client.call("X", {}, call_kind::read);
        CHECK(reply.body == R"({"RetCode":0,"Pad":")" + pad + R"("})");
    }
    CHECK(client.stats().connections_opened == 1);
}

TEST_CASE("compshare_client a chunked body is read by its chunks, not a Content-Length beside it",
          "[compshare_client][stub]") {
    // A server that sends both (RFC 9112: Transfer-Encoding wins): the whole body is read, so
    // nothing of it is left on the kept connection to be taken for the next reply.
    const std::string body = R"({"RetCode":0,"Pad":"0123456789"})";
    test_support::stub_server server([&](auto&, auto& response) {
        response.setChunkedTransferEncoding(true);
        response.set("Content-Length", "5");
        response.setContentType("application/json");
        std::ostream& out = response.send();
        out << body;
        out.flush();
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
    for (int i = 0; i < 2; ++i)
        CHECK(client.call("X", {}, call_kind::read).body == body);
}

TEST_CASE("compshare_client base URL path is kept", "[compshare_client][stub]") {
    std::string uri;
    test_support::stub_server server([&](auto& request, auto& response) {
        uri = request.getURI();
        test_support::send_json(response, R"({"RetCode":0})");
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url() + "api/v1?x=1"), host.host(), fast_retries());
    client.call("X", {}, call_kind::read);
    CHECK(uri == "/api/v1?x=1");
}

TEST_CASE("compshare_client keep-alive seen from the server side", "[compshare_client][stub]") {
    test_support::stub_server server(
        [&](auto&, auto& response) { test_support::send_json(response, R"({"RetCode":0})"); });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
    for (int i = 0; i < 10; ++i)
        client.call("X", {}, call_kind::write);
    CHECK(server.total_connections() == 1);
    CHECK(client.stats().connections_opened == 1);
    CHECK(client.stats().api_calls == 10);
}

TEST_CASE("compshare_client a server closing connections is not an error",
          "[compshare_client][stub]") {
    SECTION("Connection: close on each response") {
        test_support::stub_server server([&](auto&, auto& response) {
            response.setKeepAlive(false);
            test_support::send_json(response, R"({"RetCode":0})");
        });
        test_support::test_host host;
        api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
        for (int i = 0; i < 3; ++i)
            CHECK_NOTHROW(client.call("W", {}, call_kind::write));
        CHECK(client.stats().connections_opened == 3);
        CHECK(client.stats().retries == 0);
    }
    SECTION("idle keep-alive connection closed by the server") {
        test_support::gate closed;
        std::atomic<int> calls{0};
        test_support::stub_server server([&](auto& request, auto& response) {
            const bool first = calls++ == 0;
            test_support::send_json(response, R"({"RetCode":0})");
            if (first) {
                // As a server does when a keep-alive connection has idled too long: close it
                // after the response, without saying so in the response.
                auto& impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request);
                impl.socket().shutdown();
                closed.open();
            }
        });
        test_support::test_host host;
        api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
        client.call("W", {}, call_kind::write);
        REQUIRE(closed.wait(10s));
        // The write goes out on a fresh connection, not into the dead one (which would be
        // an ambiguous failure).
        CHECK_NOTHROW(client.call("W", {}, call_kind::write));
        CHECK(client.stats().connections_opened == 2);
        CHECK(client.stats().retries == 0);
        CHECK(calls == 2);
    }
}

TEST_CASE("compshare_client cancel interrupts a request in flight",
          "[compshare_client][stub][cancel]") {
    for (const auto kind : {call_kind::write, call_kind::read}) {
        test_support::gate arrived, release;
        test_support::stub_server server([&](auto&, auto& response) {
            arrived.open();
            release.wait(30s);  // holds the response back until the round ends
            test_support::send_json(response, R"({"RetCode":0})");
        });
        test_support::test_host host;
        auto settings = stub_settings(server.base_url());
        settings.timeout = 60s;
        api_client client(settings, host.host(), fast_retries());

        std::optional<api_failure> failure;
        std::thread caller([&] {
            try {
                client.call("DetachCompshareDisk", {{"UDiskId", "udisk-1"}}, kind);
            } catch (const api_failure& e) {
                failure = e;
            }
        });
        REQUIRE(arrived.wait(10s));
        const auto start = std::chrono::steady_clock::now();
        host.cancel().request();
        caller.join();
        release.open();
        CHECK(std::chrono::steady_clock::now() - start < 5s);
        REQUIRE(failure);
        CHECK(failure->kind == failure_kind::cancelled);
        CHECK(failure->maybe_sent);  // it had reached the server
        CHECK_FALSE(failure->retryable);
        CHECK(client.stats().retries == 0);
        CHECK(host.events().empty());

        // After a cancel the session was reset: the next call opens a new connection.
        host.cancel().consume();
        CHECK_NOTHROW(client.call("X", {}, call_kind::read));
        CHECK(client.stats().connections_opened == 2);
    }
}

TEST_CASE("compshare_client cancel interrupts a TLS handshake",
          "[compshare_client][stub][cancel]") {
    // A server that accepts the connection and never answers the TLS ClientHello.
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    test_support::gate accepted;
    Poco::Net::StreamSocket peer;
    std::thread acceptor([&] {
        peer = listener.acceptConnection();
        accepted.open();
    });
    test_support::test_host host;
    auto settings = stub_settings("https://127.0.0.1:" + std::to_string(listener.address().port()));
    settings.timeout = 60s;
    api_client client(settings, host.host(), fast_retries());
    std::optional<api_failure> failure;
    std::thread caller([&] {
        try {
            client.call("X", {}, call_kind::write);
        } catch (const api_failure& e) {
            failure = e;
        }
    });
    REQUIRE(accepted.wait(10s));
    const auto start = std::chrono::steady_clock::now();
    host.cancel().request();
    caller.join();
    acceptor.join();
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    REQUIRE(failure);
    CHECK(failure->kind == failure_kind::cancelled);
    CHECK_FALSE(failure->maybe_sent);
    CHECK(client.stats().connections_opened == 0);
}

namespace {

// Whether a TCP connection to 127.0.0.1:port is in SYN_SENT, per /proc/net/tcp.
bool connecting_to(std::uint16_t port) {
    std::ifstream table("/proc/net/tcp");
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        fields >> slot >> local >> remote >> state;
        const auto colon = remote.find(':');
        if (colon != std::string::npos && state == "02" &&
            std::stoul(remote.substr(colon + 1), nullptr, 16) == port) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("compshare_client cancel interrupts a TCP connect", "[compshare_client][stub][cancel]") {
    if (!std::ifstream("/proc/net/tcp")) {
        WARN("no /proc/net/tcp: cannot observe a connect in progress");
        return;
    }
    // A listener that never accepts, with its queue filled: further SYNs are dropped, so a
    // connect stays in SYN_SENT.
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0), 1);
    const auto port = listener.address().port();
    std::vector<Poco::Net::StreamSocket> fillers;
    for (int i = 0; i < 16; ++i) {
        Poco::Net::StreamSocket s;
        try {
            s.connect(listener.address(), Poco::Timespan(0, 200000));
            fillers.push_back(s);
        } catch (const Poco::TimeoutException&) {
            break;  // the queue is full
        }
    }
    test_support::test_host host;
    auto settings = stub_settings("http://127.0.0.1:" + std::to_string(port));
    settings.timeout = 60s;
    api_client client(settings, host.host(), fast_retries());
    std::optional<api_failure> failure;
    std::thread caller([&] {
        try {
            client.call("X", {}, call_kind::write);
        } catch (const api_failure& e) {
            failure = e;
        }
    });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!connecting_to(port) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    const bool observed = connecting_to(port);
    const auto start = std::chrono::steady_clock::now();
    host.cancel().request();
    caller.join();
    REQUIRE(observed);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    REQUIRE(failure);
    CHECK(failure->kind == failure_kind::cancelled);
    CHECK_FALSE(failure->maybe_sent);
}

TEST_CASE("compshare_client a response cut short is an error", "[compshare_client][stub]") {
    test_support::stub_server server([&](auto& request, auto& response) {
        response.setContentType("application/json");
        response.setContentLength(100);
        std::ostream& out = response.send();
        out << R"({"RetCode":0})";
        out.flush();
        dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().shutdown();
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
    for (const auto kind : {call_kind::read, call_kind::write}) {
        try {
            client.call("X", {}, kind);
            FAIL("no error");
        } catch (const api_failure& e) {
            CHECK(e.kind == failure_kind::network);
            CHECK(e.reason == "connection_reset");
            CHECK(e.maybe_sent);
            CHECK(e.attempts == (kind == call_kind::read ? 3 : 1));
        }
    }
}

TEST_CASE("compshare_client Retry-After is honoured within the cap", "[compshare_client][stub]") {
    std::atomic<int> calls{0};
    test_support::stub_server server([&](auto&, auto& response) {
        if (calls++ == 0) {
            response.setStatus(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS);
            response.set("Retry-After", "1");
            response.setContentLength(0);
            response.send();
            return;
        }
        test_support::send_json(response, R"({"RetCode":0})");
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(),
                      compshare::retry_policy(1ms, 200ms, [] { return 0.0; }));
    client.call("X", {}, call_kind::write);
    CHECK(calls == 2);
    // Retry-After: 1 s, capped at the policy's 200 ms.
    CHECK_THAT(host.all_events(), Catch::Contains("\"delay_ms\":200"));
}

TEST_CASE("compshare_client secrets never reach log events or messages",
          "[compshare_client][stub][secrets]") {
    const std::string password = "CANARY-PASSWORD-1234";
    const std::string login = "ssh -p 22 canary@192.0.2.99";
    std::atomic<int> calls{0};
    test_support::stub_server server([&](auto&, auto& response) {
        const int n = calls++;
        const std::string body = R"({"UHostSet":[{"Password":")" + password +
                                 R"(","SshLoginCommand":")" + login + R"("}])";
        if (n % 3 == 0) {  // not JSON, but full of secrets
            test_support::send_json(response, body + R"(, "RetCode":)");
        } else if (n % 3 == 1) {  // 503 with the secrets in the body
            response.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        } else {  // an error RetCode whose body carries the secrets too
            test_support::send_json(
                response, body + R"(,"RetCode":230,"Message":"Params [UHostId] not available"})");
        }
    });
    test_support::test_host host;
    api_client client(stub_settings(server.base_url()), host.host(), fast_retries());
    std::string messages;
    for (int i = 0; i < 6; ++i) {
        for (const auto kind : {call_kind::read, call_kind::write}) {
            try {
                client.call("DescribeCompShareInstance", {{"Password", "param-password"}}, kind);
            } catch (const api_failure& e) {
                messages += std::string(e.what()) + "\n" + e.api_message + "\n";
            }
        }
    }
    const std::string everything = messages + host.all_events();
    CHECK_FALSE(host.events().empty());  // retries were logged
    CHECK_THAT(messages, Catch::Contains("RetCode 230"));
    for (const std::string& secret : {priv, password, login, std::string("param-password")}) {
        CHECK_THAT(everything, !Catch::Contains(secret));
    }
    CHECK_FALSE(std::regex_search(everything, std::regex("[0-9a-f]{40}")));  // no Signature
}

namespace {

// Answers each connection as a plain HTTP server (nginx, say) answers a TLS ClientHello: reads
// it, sends "400 Bad Request", and keeps the connection until the client closes it (a server
// that closes with unread input resets the connection, and the answer may be lost).
class plain_http_port {
  public:
    explicit plain_http_port(int connections)
        : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          thread_([this, connections] { serve(connections); }) {}
    ~plain_http_port() { thread_.join(); }
    std::uint16_t port() const { return listener_.address().port(); }

  private:
    void serve(int connections) {
        try {
            for (int i = 0; i < connections; ++i) {
                auto peer = listener_.acceptConnection();
                char buffer[4096];
                peer.receiveBytes(buffer, sizeof buffer);
                const std::string answer =
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n"
                    "Content-Length: 0\r\n\r\n";
                peer.sendBytes(answer.data(), static_cast<int>(answer.size()));
                try {
                    while (peer.receiveBytes(buffer, sizeof buffer) > 0) {
                    }
                } catch (const Poco::Exception&) {
                }
            }
        } catch (const Poco::Exception&) {
        }
    }

    Poco::Net::ServerSocket listener_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("compshare_client https to a plain HTTP port says so, and is not retried",
          "[compshare_client][stub][tls]") {
    plain_http_port server(2);
    const std::string where = "127.0.0.1:" + std::to_string(server.port());
    test_support::test_host host;
    api_client client(stub_settings("https://" + where), host.host(), fast_retries());
    for (const auto kind : {call_kind::read, call_kind::write}) {
        try {
            client.call("X", {}, kind);
            FAIL("no error");
        } catch (const api_failure& e) {
            CHECK(e.kind == failure_kind::network);
            CHECK(e.reason == "not_tls");
            CHECK_FALSE(e.retryable);
            CHECK_FALSE(e.maybe_sent);
            CHECK(e.attempts == 1);
            CHECK_THAT(e.what(), Catch::Contains("the server at " + where +
                                                 " answered in plain HTTP, not TLS"));
            CHECK_THAT(e.what(), !Catch::Contains("certificate"));
        }
    }
    CHECK(host.all_events() == "");  // no retry
}

TEST_CASE("compshare_client https to a server that speaks neither TLS nor HTTP",
          "[compshare_client][stub][tls]") {
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread server([&] {
        auto peer = listener.acceptConnection();
        const std::string banner = "SSH-2.0-OpenSSH_9.2\r\n";
        peer.sendBytes(banner.data(), static_cast<int>(banner.size()));
        char buffer[1024];
        try {
            while (peer.receiveBytes(buffer, sizeof buffer) > 0) {
            }
        } catch (const Poco::Exception&) {
        }
    });
    test_support::test_host host;
    api_client client(
        stub_settings("https://127.0.0.1:" + std::to_string(listener.address().port())),
        host.host(), fast_retries());
    try {
        client.call("X", {}, call_kind::read);
        FAIL("no error");
    } catch (const api_failure& e) {
        CHECK(e.reason == "not_tls");
        CHECK_FALSE(e.retryable);
        CHECK_THAT(e.what(), Catch::Contains("does not speak TLS"));
    }
    server.join();
}
