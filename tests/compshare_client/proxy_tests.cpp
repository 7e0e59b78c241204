// HTTP proxies: the proxy URL and no_proxy rules, the settings' precedence (config, then the
// environment as curl reads it), and real requests through tinyproxy to the emulator over plain
// http (absolute URL) and over https (CONNECT tunnel), with proxy credentials that never show.
#include "client/api_client.hpp"
#include "client/proxy.hpp"
#include "temp_dir.hpp"
#include "test_host.hpp"
#include "tinyproxy_process.hpp"
#include "tls_files.hpp"

#include <compshare_emulator/server.hpp>

#include <Poco/Net/ServerSocket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using compshare::api_client;
using compshare::api_failure;
using compshare::call_kind;
using compshare::failure_kind;
using namespace std::chrono_literals;

namespace {

compshare::env_lookup env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end())
            return std::nullopt;
        return it->second;
    };
}

const std::string keys = R"("public_key":"PUB","private_key":"PRIV")";

compshare::client_settings emulator_settings(const std::string& base_url) {
    compshare::client_settings s;
    s.public_key = compshare_emulator::default_public_key;
    s.private_key = compshare_emulator::default_private_key;
    s.base_url = base_url;
    s.timeout = 5s;
    s.max_retries = 0;
    return s;
}

compshare::retry_policy fast_retries() {
    return compshare::retry_policy(1ms, 4ms, compshare::retry_policy::seeded(9));
}

const compshare::param_map describe_params{{"Region", "cn-wlcb"},
                                           {"UHostIds.0", "uhost-emu-stopped"}};
const char* const describe = "DescribeCompShareInstance";

// A loopback port bound but not listening: connects are refused, and nothing else (the
// emulator, say) can get the port while the socket is held.
Poco::Net::ServerSocket dead_port() {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0));  // and no listen()
    return socket;
}

}  // namespace

TEST_CASE("compshare_client proxy URLs", "[compshare_client][proxy]") {
    using compshare::parse_proxy_url;
    auto p = parse_proxy_url("http://proxy.example:3128", "env HTTPS_PROXY");
    CHECK(p.host == "proxy.example");
    CHECK(p.port == 3128);
    CHECK(p.username.empty());
    p = parse_proxy_url("proxy.example", "x");  // curl: http:// and port 1080 by default
    CHECK(p.host == "proxy.example");
    CHECK(p.port == 1080);
    p = parse_proxy_url("http://us%40er:p%3Ass@10.0.0.1:8080/", "x");
    CHECK(p.username == "us@er");
    CHECK(p.password == "p:ss");
    CHECK(p.where() == "10.0.0.1:8080");
    p = parse_proxy_url("http://[::1]:3128", "x");
    CHECK(p.host == "::1");

    for (const char* bad : {"https://proxy.example:443", "socks5://proxy.example:1080",
                            "http://proxy.example:3128/path", "http://:3128",
                            "http://user:SECRET-PW@proxy example"}) {
        INFO(bad);
        try {
            parse_proxy_url(bad, "config proxy");
            FAIL("accepted");
        } catch (const compshare::settings_error& e) {
            CHECK(e.type() == "InvalidParameter");
            CHECK_THAT(e.what(), Catch::StartsWith("config proxy: "));
            CHECK_THAT(e.what(), !Catch::Contains("SECRET-PW"));
        }
    }
}

TEST_CASE("compshare_client no_proxy rules", "[compshare_client][proxy]") {
    using compshare::no_proxy_matches;
    CHECK(no_proxy_matches("*", "api.compshare.cn"));
    CHECK(no_proxy_matches("compshare.cn", "api.compshare.cn"));
    CHECK(no_proxy_matches(".compshare.cn", "api.compshare.cn"));
    CHECK(no_proxy_matches("compshare.cn", "compshare.cn"));
    CHECK(no_proxy_matches("other.example, API.Compshare.CN ", "api.compshare.cn"));
    CHECK(no_proxy_matches("compshare.cn", "api.compshare.cn."));
    CHECK_FALSE(no_proxy_matches("share.cn", "api.compshare.cn"));  // not a label boundary
    CHECK_FALSE(no_proxy_matches("api.compshare.cn", "compshare.cn"));
    CHECK_FALSE(no_proxy_matches("", "api.compshare.cn"));
    CHECK_FALSE(no_proxy_matches(",,", "api.compshare.cn"));
    CHECK(no_proxy_matches("127.0.0.1", "127.0.0.1"));
    CHECK_FALSE(no_proxy_matches("127.0.0.1", "127.0.0.2"));
    CHECK(no_proxy_matches("10.0.0.0/8", "10.1.2.3"));
    CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "11.1.2.3"));
    CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example"));
    CHECK(no_proxy_matches("[::1]", "::1"));
    CHECK(no_proxy_matches("fe80::/10", "fe80::1"));
    CHECK_FALSE(no_proxy_matches("fe80::/10", "2001:db8::1"));
}

TEST_CASE("compshare_client proxy settings: config, then the environment as curl reads it",
          "[compshare_client][proxy][settings]") {
    using compshare::resolve_settings;
    const std::string https_config = "{" + keys + "}";
    const std::string http_config = "{" + keys + R"(,"base_url":"http://127.0.0.1:9"})";

    auto s = resolve_settings(https_config, env_of({{"HTTPS_PROXY", "http://upper:1"}}));
    CHECK(s.proxy == "http://upper:1");
    CHECK(s.proxy_origin == "env HTTPS_PROXY");
    s = resolve_settings(https_config, env_of({{"HTTPS_PROXY", "http://upper:1"},
                                               {"https_proxy", "http://lower:2"}}));
    CHECK(s.proxy == "http://lower:2");
    CHECK(s.proxy_origin == "env https_proxy");
    s = resolve_settings(https_config, env_of({{"HTTP_PROXY", "http://for-http:3"}}));
    CHECK(s.proxy.empty());  // an https endpoint reads only the https variables
    s = resolve_settings("{" + keys + R"(,"proxy":"http://configured:4"})",
                         env_of({{"https_proxy", "http://lower:2"}}));
    CHECK(s.proxy == "http://configured:4");
    CHECK(s.proxy_origin == "config proxy");
    s = resolve_settings(http_config, env_of({{"http_proxy", "http://127.0.0.1:5"},
                                              {"HTTPS_PROXY", "http://127.0.0.1:6"}}));
    CHECK(s.proxy == "http://127.0.0.1:5");
    s = resolve_settings(http_config, env_of({{"HTTP_PROXY", "http://127.0.0.1:7"}}));
    CHECK(s.proxy_origin == "env HTTP_PROXY");
    s = resolve_settings(https_config, env_of({{"NO_PROXY", "a"}, {"no_proxy", "b"}}));
    CHECK(s.no_proxy == "b");

    SECTION("a bad proxy is an InvalidParameter naming where it came from, not its value") {
        try {
            resolve_settings(https_config, env_of({{"HTTPS_PROXY", "socks5://u:SECRET-PW@p:1"}}));
            FAIL("accepted");
        } catch (const compshare::settings_error& e) {
            CHECK(e.type() == "InvalidParameter");
            CHECK_THAT(e.what(), Catch::Contains("env HTTPS_PROXY") && !Catch::Contains("SECRET"));
        }
    }
    SECTION("plain http only through a proxy on loopback") {
        try {
            resolve_settings(http_config,
                             env_of({{"http_proxy", "http://u:SECRET-PW@192.0.2.1:3128"}}));
            FAIL("accepted");
        } catch (const compshare::settings_error& e) {
            CHECK(e.type() == "InvalidParameter");
            CHECK_THAT(e.what(), Catch::Contains("only when the proxy is on loopback") &&
                                     !Catch::Contains("SECRET"));
        }
        // ... unless no_proxy sends it direct.
        CHECK(resolve_settings(http_config, env_of({{"http_proxy", "http://192.0.2.1:3128"},
                                                    {"no_proxy", "127.0.0.1"}}))
                  .proxy == "http://192.0.2.1:3128");
    }
    SECTION("the proxy key is known to the config") {
        CHECK_THROWS_AS(resolve_settings("{" + keys + R"(,"proxy":7})", env_of({})),
                        compshare::settings_error);
    }
}

TEST_CASE("compshare_client requests through tinyproxy", "[compshare_client][proxy][tinyproxy]") {
    if (test_support::tinyproxy_process::binary().empty()) {
        WARN("tinyproxy is not installed (scripts/install-deps --tests): proxy tests skipped");
        return;
    }
    test_support::temp_dir dir;
    test_support::test_host host;

    SECTION("plain http to the emulator: the absolute URL goes to the proxy") {
        test_support::tinyproxy_process proxy(dir);
        compshare_emulator::server emu({});
        auto settings = emulator_settings(emu.base_url());
        settings.proxy = proxy.url();
        // A proxy may close a kept-alive connection just as the next request goes out (seen
        // under load); a read is retried on a new connection, as with the default max_retries.
        settings.max_retries = 1;
        api_client client(settings, host.host(), fast_retries());
        CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        CHECK(emu.count(describe) >= 2);  // both calls reached it (a retried one may count twice)
        CHECK_THAT(proxy.log(), Catch::Contains("POST " + emu.base_url()));
    }
    SECTION("https to the emulator: a CONNECT tunnel, TLS verified end to end") {
        test_support::tinyproxy_process proxy(dir);
        const auto cert = test_support::make_self_signed(dir, "localhost", {"localhost"});
        compshare_emulator::options options;
        options.tls_cert_file = cert.cert;
        options.tls_key_file = cert.key;
        compshare_emulator::server emu(options);
        REQUIRE(emu.base_url().rfind("https://localhost:", 0) == 0);
        auto settings = emulator_settings(emu.base_url());
        settings.ca_file = cert.cert;
        settings.proxy = proxy.url();
        api_client client(settings, host.host(), fast_retries());
        CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        CHECK(emu.count(describe) == 1);
        const std::string authority = emu.base_url().substr(std::string("https://").size());
        CHECK_THAT(proxy.log(), Catch::Contains("CONNECT " + authority));

        SECTION("the certificate is still checked through the tunnel") {
            auto untrusted = settings;
            untrusted.ca_file.clear();
            api_client other(untrusted, host.host(), fast_retries());
            try {
                other.call(describe, describe_params, call_kind::read);
                FAIL("no error");
            } catch (const api_failure& e) {
                CHECK(e.reason == "tls");
            }
        }
    }
    SECTION("proxy credentials work and never show") {
        const std::string password = "PROXY-SECRET-7f3a";
        test_support::tinyproxy_process proxy(dir, {{"proxyuser", password}});
        compshare_emulator::server emu({});
        auto settings = emulator_settings(emu.base_url());
        settings.proxy = proxy.url("proxyuser:" + password);
        settings.max_retries = 2;
        {
            api_client client(settings, host.host(), fast_retries());
            CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        }
        CHECK(emu.count(describe) == 1);

        std::string messages;
        settings.proxy = proxy.url("proxyuser:wrong-" + password);
        {
            api_client client(settings, host.host(), fast_retries());
            try {
                client.call(describe, describe_params, call_kind::read);
                FAIL("no error");
            } catch (const api_failure& e) {
                // plain http: the proxy answers the request itself (tinyproxy with a 401 or 407
                // and a close that may reset the connection before the answer is read).
                CHECK(emu.count(describe) == 1);
                messages += e.what();
            }
        }
        const auto cert = test_support::make_self_signed(dir, "localhost", {"localhost"});
        compshare_emulator::options options;
        options.tls_cert_file = cert.cert;
        options.tls_key_file = cert.key;
        compshare_emulator::server tls_emu(options);
        auto tls_settings = emulator_settings(tls_emu.base_url());
        tls_settings.ca_file = cert.cert;
        tls_settings.max_retries = 2;
        tls_settings.proxy = proxy.url("proxyuser:wrong-" + password);
        {
            api_client client(tls_settings, host.host(), fast_retries());
            try {
                client.call(describe, describe_params, call_kind::read);
                FAIL("no error");
            } catch (const api_failure& e) {
                CHECK(e.reason == "proxy_refused");  // the CONNECT was refused
                CHECK_FALSE(e.retryable);
                CHECK(e.attempts == 1);
                // tinyproxy answers 401, not 407, to a CONNECT with the wrong credentials.
                CHECK_THAT(e.what(), Catch::Contains("the proxy answered 40") &&
                                         Catch::Contains(proxy.url().substr(7)));
                messages += e.what();
            }
        }
        tls_settings.proxy = proxy.url("proxyuser:" + password);
        {
            api_client client(tls_settings, host.host(), fast_retries());
            CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        }
        CHECK_THAT(messages + host.all_events(), !Catch::Contains(password));
        CHECK_THAT(messages, !Catch::Contains("proxyuser"));
    }
    SECTION("no_proxy sends the request direct") {
        const auto dead = dead_port();
        compshare_emulator::server emu({});
        auto settings = emulator_settings(emu.base_url());
        settings.proxy = "http://127.0.0.1:" + std::to_string(dead.address().port());
        settings.proxy_origin = "env http_proxy";
        {
            api_client client(settings, host.host(), fast_retries());
            try {
                client.call(describe, describe_params, call_kind::read);
                FAIL("the dead proxy was not used");
            } catch (const api_failure& e) {
                CHECK(e.reason == "connect_failed");
                CHECK_THAT(e.what(), Catch::Contains("through the proxy 127.0.0.1:") &&
                                         Catch::Contains("(env http_proxy)"));
            }
        }
        settings.no_proxy = "example.com, 127.0.0.1";
        api_client client(settings, host.host(), fast_retries());
        CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        CHECK(emu.count(describe) == 1);
    }
}

namespace {

// A stand-in proxy on a raw loopback socket: reads each CONNECT request (one per connection,
// `connections` of them), notes its request line and Proxy-Authorization, answers `status`.
class connect_answerer {
  public:
    explicit connect_answerer(int connections)
        : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          thread_([this, connections] { serve(connections); }) {}
    ~connect_answerer() { thread_.join(); }
    std::string address() const {
        return "127.0.0.1:" + std::to_string(listener_.address().port());
    }
    std::atomic<int> status{502};
    std::vector<std::string> seen() {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }

  private:
    void serve(int connections) {
        for (int i = 0; i < connections; ++i) {
            try {
                auto peer = listener_.acceptConnection();
                peer.setReceiveTimeout(Poco::Timespan(10, 0));
                std::string head;
                char c;
                while (head.find("\r\n\r\n") == std::string::npos && peer.receiveBytes(&c, 1) == 1)
                    head += c;
                std::string line = head.substr(0, head.find("\r\n"));
                const auto auth = head.find("Proxy-Authorization: ");
                line += auth == std::string::npos
                            ? " -"
                            : " " + head.substr(auth + 21, head.find("\r\n", auth) - auth - 21);
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    seen_.push_back(line);
                }
                const std::string answer = "HTTP/1.1 " + std::to_string(status.load()) +
                                           " Stub\r\nContent-Length: 0\r\n\r\n";
                peer.sendBytes(answer.data(), static_cast<int>(answer.size()));
                while (peer.receiveBytes(&c, 1) == 1) {
                }
            } catch (const Poco::Exception&) {
            }
        }
    }

    Poco::Net::ServerSocket listener_;
    std::mutex mutex_;
    std::vector<std::string> seen_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("compshare_client a proxy's answer to CONNECT decides the retry",
          "[compshare_client][proxy]") {
    connect_answerer proxy(4);
    test_support::test_host host;
    auto settings = emulator_settings("https://api.example.test:8443");
    settings.max_retries = 2;
    settings.proxy = "http://user:SECRET-PW@" + proxy.address();
    settings.proxy_origin = "env HTTPS_PROXY";
    api_client client(settings, host.host(), fast_retries());

    try {
        client.call(describe, describe_params, call_kind::write);
        FAIL("no error");
    } catch (const api_failure& e) {
        CHECK(e.reason == "connect_failed");  // 502: the proxy could not reach the server
        CHECK(e.retryable);
        CHECK_FALSE(e.maybe_sent);
        CHECK(e.attempts == 3);  // retried, even for a write: nothing reached the server
        CHECK_THAT(e.what(), Catch::Contains("the proxy answered 502") &&
                                 Catch::Contains("CONNECT api.example.test:8443"));
    }
    proxy.status = 403;
    try {
        client.call(describe, describe_params, call_kind::read);
        FAIL("no error");
    } catch (const api_failure& e) {
        CHECK(e.reason == "proxy_refused");
        CHECK_FALSE(e.retryable);
        CHECK(e.attempts == 1);
    }
    const auto seen = proxy.seen();
    REQUIRE(seen.size() == 4);
    // Basic credentials for the proxy, the target as the CONNECT's authority.
    CHECK(seen[0] == "CONNECT api.example.test:8443 HTTP/1.1 Basic dXNlcjpTRUNSRVQtUFc=");
    CHECK_THAT(host.all_events(),
               !Catch::Contains("SECRET-PW") && !Catch::Contains("dXNlcjpTRUNSRVQtUFc"));
}
