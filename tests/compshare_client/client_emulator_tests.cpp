// api_client against the in-process compshare emulator: signing accepted, every fault mode for
// reads and writes with its documented retry / no-retry and maybe_sent outcome, connection
// reuse, cancellation of the backoff, HTTPS verification, and no secret in any output.
#include "client/api_client.hpp"
#include "temp_dir.hpp"
#include "test_host.hpp"
#include "tls_files.hpp"

#include <compshare_emulator/server.hpp>

#include <actionhost/json/reader.hpp>

#include <Poco/Delegate.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/VerificationErrorArgs.h>

#include <catch2/catch.hpp>

#include <regex>

using compshare::api_client;
using compshare::api_failure;
using compshare::call_kind;
using compshare::failure_kind;
using namespace std::chrono_literals;

namespace {

compshare::client_settings settings_for(const std::string& base_url) {
    compshare::client_settings s;
    s.public_key = compshare_emulator::default_public_key;
    s.private_key = compshare_emulator::default_private_key;
    s.base_url = base_url;
    s.region = "cn-wlcb";
    s.timeout = 5s;
    s.max_retries = 2;
    s.user_agent = "actionhost/test compshare-disk/test";
    return s;
}

compshare::retry_policy fast_retries() {
    return compshare::retry_policy(1ms, 4ms, compshare::retry_policy::seeded(1));
}

const compshare::param_map describe_params{{"Region", "cn-wlcb"},
                                           {"UHostIds.0", "uhost-emu-stopped"}};
const compshare::param_map detach_params{{"Region", "cn-wlcb"},
                                         {"Zone", "cn-wlcb-01"},
                                         {"UHostId", "uhost-emu-stopped"},
                                         {"UDiskId", "udisk-emu-data1"},
                                         {"Device", "/dev/vdb"}};
const char* const describe = "DescribeCompShareInstance";
const char* const detach = "DetachCompshareDisk";

// Nothing secret in a text shown to people: keys, a signature (40 hex digits), Describe fields.
void check_no_secret(const std::string& text) {
    INFO(text);
    CHECK_THAT(text, !Catch::Contains(compshare_emulator::default_private_key));
    CHECK_THAT(text, !Catch::Contains("Password") && !Catch::Contains("RW11bGF0b3JQYXNzdzByZCE="));
    CHECK_THAT(text, !Catch::Contains("SshLoginCommand") && !Catch::Contains("ssh -p"));
    CHECK_FALSE(std::regex_search(text, std::regex("[0-9a-fA-F]{40}")));
}

// Runs one call; returns the failure, or nullopt on success.
std::optional<api_failure> outcome_of(api_client& client, const std::string& action,
                                      call_kind kind) {
    try {
        client.call(action, action == describe ? describe_params : detach_params, kind);
        return std::nullopt;
    } catch (const api_failure& e) {
        return e;
    }
}

struct scenario {
    std::string name;
    std::string fault;  // fault document, {{ACTION}} replaced by the action
    bool ok;            // expected success (after retries)
    int requests;       // requests that reached the emulator
    failure_kind kind = failure_kind::api_error;
    bool retryable = false;
    bool maybe_sent = false;
    std::string reason;
    int accepted = -1;  // writes: detaches processed, -1 = not checked
};

void run(const scenario& s, const std::string& action, call_kind kind) {
    DYNAMIC_SECTION(s.name << " on " << action) {
        compshare_emulator::server emu({});
        std::string fault = s.fault;
        fault.replace(fault.find("{{ACTION}}"), 10, action);
        emu.add_fault(fault);
        test_support::test_host host;
        auto settings = settings_for(emu.base_url());
        settings.timeout = 1000ms;  // the delay faults wait 3 s; margin for slow (sanitizer) runs
        api_client client(settings, host.host(), fast_retries());

        const auto failure = outcome_of(client, action, kind);
        emu.stop();  // finishes delayed requests, so that they are counted
        CHECK(emu.count(action) == s.requests);
        CHECK(client.stats().api_calls == s.requests);
        CHECK(client.stats().retries == s.requests - 1);
        if (s.accepted >= 0)
            CHECK(emu.accepted(action) == s.accepted);
        // One retry event per retry, each a JSON object with the documented fields.
        const auto events = host.events();
        CHECK(static_cast<int>(events.size()) == s.requests - 1);
        for (const auto level : host.levels())
            CHECK(level == AH_LOG_WARNING);
        for (const auto& e : events) {
            const auto o = Poco::JSON::Parser().parse(e).extract<Poco::JSON::Object::Ptr>();
            CHECK(o->getValue<std::string>("event") == "retry");
            CHECK(o->getValue<std::string>("action") == action);
            CHECK(o->getValue<int>("attempt") >= 2);
            CHECK(o->has("reason"));
            CHECK(o->getValue<int>("delay_ms") >= 0);
            CHECK(o->getValue<int>("delay_ms") <= 4);
            CHECK_FALSE(o->getValue<std::string>("message").empty());
            check_no_secret(e);
        }
        if (s.ok) {
            CHECK_FALSE(failure);
            return;
        }
        REQUIRE(failure);
        CHECK(failure->kind == s.kind);
        CHECK(failure->retryable == s.retryable);
        CHECK(failure->maybe_sent == s.maybe_sent);
        CHECK(failure->reason == s.reason);
        CHECK(failure->action == action);
        CHECK(failure->attempts == s.requests);
        check_no_secret(failure->what());
        check_no_secret(failure->api_message);
    }
}

scenario ok(std::string name, std::string fault, int requests, int accepted = -1) {
    scenario s;
    s.name = std::move(name);
    s.fault = std::move(fault);
    s.ok = true;
    s.requests = requests;
    s.accepted = accepted;
    return s;
}

scenario fails(std::string name, std::string fault, int requests, failure_kind kind, bool retryable,
               bool maybe_sent, std::string reason, int accepted = -1) {
    scenario s{std::move(name), std::move(fault),  false,   requests, kind, retryable,
               maybe_sent,      std::move(reason), accepted};
    return s;
}

compshare_emulator::options tls_options(const test_support::tls_files& files) {
    compshare_emulator::options o;
    o.tls_cert_file = files.cert;
    o.tls_key_file = files.key;
    return o;
}

std::string fault(const std::string& body) {
    return R"({"action":"{{ACTION}}",)" + body + "}";
}

}  // namespace

TEST_CASE("compshare_client signed Describe succeeds against the emulator",
          "[compshare_client][emulator]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    api_client client(settings_for(emu.base_url()), host.host(), fast_retries());
    const auto reply = client.call(describe, describe_params, call_kind::read);
    const auto body = actionhost::json::as_object(actionhost::json::parse(reply.body));
    REQUIRE(body);
    CHECK(body->getValue<int>("RetCode") == 0);
    const auto hosts = body->getArray("UHostSet");
    REQUIRE(hosts);
    REQUIRE(hosts->size() == 1);
    CHECK(hosts->getObject(0)->getValue<std::string>("UHostId") == "uhost-emu-stopped");
    CHECK_FALSE(reply.request_id.empty());
    CHECK(client.stats().request_ids == std::vector<std::string>{reply.request_id});
    CHECK(client.stats().api_calls == 1);
    CHECK(client.stats().retries == 0);
    CHECK(emu.count(describe) == 1);
    CHECK(host.events().empty());
    // The emulator's request log shows what was sent (secrets masked by the emulator).
    CHECK_THAT(emu.requests_json(), Catch::Contains("uhost-emu-stopped"));
}

TEST_CASE("compshare_client signed Detach succeeds and is processed once",
          "[compshare_client][emulator]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    api_client client(settings_for(emu.base_url()), host.host(), fast_retries());
    const auto reply = client.call(detach, detach_params, call_kind::write);
    CHECK(reply.action == "DetachCompshareDiskResponse");
    CHECK(emu.accepted(detach) == 1);
}

TEST_CASE("compshare_client wrong private key is RetCode 171, not retried",
          "[compshare_client][emulator]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    auto settings = settings_for(emu.base_url());
    settings.private_key = "0000wrong-private-key-0000";
    api_client client(settings, host.host(), fast_retries());
    const auto failure = outcome_of(client, describe, call_kind::read);
    REQUIRE(failure);
    CHECK(failure->kind == failure_kind::api_error);
    CHECK(failure->ret_code == 171);
    CHECK_FALSE(failure->retryable);
    CHECK_FALSE(failure->maybe_sent);
    CHECK_FALSE(failure->api_message.empty());
    CHECK_FALSE(failure->request_id.empty());
    CHECK_THAT(failure->what(), Catch::Contains("171") && Catch::Contains(failure->request_id));
    CHECK_THAT(failure->what(), !Catch::Contains("0000wrong-private-key-0000"));
    CHECK(emu.count(describe) == 1);
    CHECK(host.events().empty());

    SECTION("also when the RetCode arrives as a string") {
        emu.add_fault(R"({"action":"*","mode":"string_ret_code"})");
        const auto again = outcome_of(client, detach, call_kind::write);
        REQUIRE(again);
        CHECK(again->ret_code == 171);
        CHECK(emu.accepted(detach) == 0);
    }
}

TEST_CASE("compshare_client an auth failure names where the keys came from, never a key",
          "[compshare_client][emulator][secrets]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    const std::string wrong = "0000wrong-private-key-0000";
    struct origin {
        std::string source, expected;
    };
    for (const auto& [source, expected] :
         {origin{"config", "API keys from the instance config (public_key, private_key)"},
          origin{"environment",
                 "API keys from the environment (COMPSHARE_PUBLIC_KEY, COMPSHARE_PRIVATE_KEY)"},
          origin{"profile 'work' of /home/u/.config/compshare/config.json",
                 "API keys from profile 'work' of /home/u/.config/compshare/config.json"}}) {
        auto settings = settings_for(emu.base_url());
        settings.private_key = wrong;
        settings.credentials_source = source;
        api_client client(settings, host.host(), fast_retries());
        const auto failure = outcome_of(client, describe, call_kind::read);
        REQUIRE(failure);
        CHECK(failure->ret_code == 171);
        CHECK_THAT(failure->what(), Catch::Contains(expected));
        CHECK_THAT(failure->what(), !Catch::Contains(wrong));
        check_no_secret(failure->what());
    }
    SECTION("HTTP 403 names them too") {
        emu.add_fault(R"({"action":"*","mode":"http_status","status":403})");
        auto settings = settings_for(emu.base_url());
        settings.credentials_source = "environment";
        api_client client(settings, host.host(), fast_retries());
        const auto failure = outcome_of(client, describe, call_kind::read);
        REQUIRE(failure);
        CHECK(failure->http_status == 403);
        CHECK_THAT(failure->what(), Catch::Contains("API keys from the environment"));
    }
    SECTION("other failures do not mention the keys") {
        emu.add_fault(R"({"action":"*","mode":"http_status","status":500})");
        auto settings = settings_for(emu.base_url());
        settings.credentials_source = "environment";
        api_client client(settings, host.host(), fast_retries());
        const auto failure = outcome_of(client, describe, call_kind::read);
        REQUIRE(failure);
        CHECK(failure->http_status == 500);
        CHECK_THAT(failure->what(), !Catch::Contains("API keys"));
    }
}

TEST_CASE("compshare_client fault modes on reads", "[compshare_client][emulator][faults]") {
    const auto k_http = failure_kind::http_status;
    const auto k_net = failure_kind::network;
    const auto k_bad = failure_kind::bad_response;
    const auto k_api = failure_kind::api_error;
    const std::vector<scenario> reads = {
        ok("429 once", fault(R"("mode":"http_status","status":429)"), 2),
        fails("429 beyond max_retries", fault(R"("mode":"http_status","status":429,"times":3)"), 3,
              k_http, true, false, "http_429"),
        fails("500 not retried", fault(R"("mode":"http_status","status":500)"), 1, k_http, true,
              true, "http_500"),
        ok("502 once", fault(R"("mode":"http_status","status":502)"), 2),
        ok("503 once", fault(R"("mode":"http_status","status":503)"), 2),
        ok("504 once", fault(R"("mode":"http_status","status":504)"), 2),
        fails("503 beyond max_retries", fault(R"("mode":"http_status","status":503,"times":5)"), 3,
              k_http, true, true, "http_503"),
        fails("404 not retried", fault(R"("mode":"http_status","status":404)"), 1, k_http, false,
              false, "http_404"),
        ok("reset once", fault(R"("mode":"reset")"), 2),
        fails("reset beyond max_retries", fault(R"("mode":"reset","times":5)"), 3, k_net, true,
              true, "connection_reset"),
        ok("delay beyond the timeout once", fault(R"("mode":"delay","delay_ms":3000)"), 2),
        fails("malformed JSON", fault(R"("mode":"malformed_json")"), 1, k_bad, true, true,
              "bad_response"),
        fails("empty body", fault(R"("mode":"empty_body")"), 1, k_bad, true, true, "bad_response"),
        ok("RetCode 150 once", fault(R"("mode":"ret_code","ret_code":150)"), 2),
        ok("RetCode 153 once", fault(R"("mode":"ret_code","ret_code":153)"), 2),
        fails("RetCode 153 beyond max_retries",
              fault(R"("mode":"ret_code","ret_code":153,"times":9)"), 3, k_api, true, false,
              "ret_code_153"),
        fails("RetCode 8433", fault(R"("mode":"ret_code","ret_code":8433)"), 1, k_api, false, false,
              "ret_code_8433"),
        fails("RetCode 172 auth", fault(R"("mode":"ret_code","ret_code":172)"), 1, k_api, false,
              false, "ret_code_172"),
        ok("string RetCode", fault(R"("mode":"string_ret_code")"), 1),
    };
    for (const auto& s : reads)
        run(s, describe, call_kind::read);
}

TEST_CASE("compshare_client fault modes on writes", "[compshare_client][emulator][faults]") {
    const auto k_http = failure_kind::http_status;
    const auto k_net = failure_kind::network;
    const auto k_bad = failure_kind::bad_response;
    const auto k_api = failure_kind::api_error;
    // After a timeout, a reset or a 5xx the write may have been processed: never re-sent here.
    const std::vector<scenario> writes = {
        ok("429 once", fault(R"("mode":"http_status","status":429)"), 2, 1),
        fails("500", fault(R"("mode":"http_status","status":500)"), 1, k_http, true, true,
              "http_500", 0),
        fails("502", fault(R"("mode":"http_status","status":502)"), 1, k_http, true, true,
              "http_502", 0),
        fails("503", fault(R"("mode":"http_status","status":503)"), 1, k_http, true, true,
              "http_503", 0),
        fails("504 after processing", fault(R"("mode":"http_status","status":504,"apply":"after")"),
              1, k_http, true, true, "http_504", 1),
        fails("reset", fault(R"("mode":"reset")"), 1, k_net, true, true, "connection_reset", 0),
        fails("reset after processing", fault(R"("mode":"reset","apply":"after")"), 1, k_net, true,
              true, "connection_reset", 1),
        fails("delay beyond the timeout", fault(R"("mode":"delay","delay_ms":3000)"), 1, k_net,
              true, true, "timeout", 1),
        fails("malformed JSON", fault(R"("mode":"malformed_json")"), 1, k_bad, true, true,
              "bad_response", 0),
        fails("empty body", fault(R"("mode":"empty_body")"), 1, k_bad, true, true, "bad_response",
              0),
        ok("RetCode 150 once", fault(R"("mode":"ret_code","ret_code":150)"), 2, 1),
        ok("RetCode 153 once", fault(R"("mode":"ret_code","ret_code":153)"), 2, 1),
        fails("RetCode 8434", fault(R"("mode":"ret_code","ret_code":8434)"), 1, k_api, false, false,
              "ret_code_8434", 0),
        fails("RetCode 170 auth", fault(R"("mode":"ret_code","ret_code":170)"), 1, k_api, false,
              false, "ret_code_170", 0),
        ok("string RetCode", fault(R"("mode":"string_ret_code")"), 1, 1),
    };
    for (const auto& s : writes)
        run(s, detach, call_kind::write);
}

TEST_CASE("compshare_client connect failures are retried for reads and writes",
          "[compshare_client][emulator]") {
    // A port that was just free: nothing listens there.
    std::uint16_t port = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
    }
    for (const auto kind : {call_kind::read, call_kind::write}) {
        test_support::test_host host;
        api_client client(settings_for("http://127.0.0.1:" + std::to_string(port)), host.host(),
                          fast_retries());
        const auto failure = outcome_of(client, kind == call_kind::read ? describe : detach, kind);
        REQUIRE(failure);
        CHECK(failure->kind == failure_kind::network);
        CHECK(failure->reason == "connect_failed");
        CHECK(failure->retryable);
        CHECK_FALSE(failure->maybe_sent);
        CHECK(failure->attempts == 3);
        CHECK(client.stats().retries == 2);
        CHECK(host.events().size() == 2);
        CHECK_THAT(host.all_events(), Catch::Contains("\"reason\":\"connect_failed\""));
        CHECK_THAT(failure->what(), Catch::Contains("127.0.0.1:" + std::to_string(port)));
    }
}

TEST_CASE("compshare_client one keep-alive connection is reused across calls",
          "[compshare_client][emulator]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    api_client client(settings_for(emu.base_url()), host.host(), fast_retries());
    for (int i = 0; i < 5; ++i)
        client.call(describe, describe_params, call_kind::read);
    CHECK(client.stats().connections_opened == 1);
    CHECK(client.stats().request_ids.size() == 5);
    CHECK(emu.count(describe) == 5);

    // A reset drops the connection: the retry opens a second one, which is then kept.
    emu.add_fault(R"({"action":"*","mode":"reset"})");
    client.call(describe, describe_params, call_kind::read);
    client.call(describe, describe_params, call_kind::read);
    CHECK(client.stats().connections_opened == 2);

    client.reset_stats();
    client.call(describe, describe_params, call_kind::read);
    CHECK(client.stats().connections_opened == 0);
    CHECK(client.stats().api_calls == 1);
}

TEST_CASE("compshare_client cancel interrupts the backoff",
          "[compshare_client][emulator][cancel]") {
    compshare_emulator::server emu({});
    emu.add_fault(R"({"action":"*","mode":"http_status","status":503,"times":5})");
    test_support::test_host host;
    // Backoff of about 30 s: only a cancel ends it early.
    api_client client(settings_for(emu.base_url()), host.host(),
                      compshare::retry_policy(60s, 60s, [] { return 0.5; }));
    std::optional<api_failure> failure;
    const auto start = std::chrono::steady_clock::now();
    std::thread caller([&] { failure = outcome_of(client, describe, call_kind::read); });
    REQUIRE(host.wait_for_event("\"event\":\"retry\"", 10s));
    host.cancel().request();
    caller.join();
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    REQUIRE(failure);
    CHECK(failure->kind == failure_kind::cancelled);
    CHECK_FALSE(failure->retryable);
    CHECK(emu.count(describe) == 1);
    CHECK_THAT(host.all_events(), Catch::Contains("\"delay_ms\":30000"));
}

TEST_CASE("compshare_client cancel before a call sends nothing",
          "[compshare_client][emulator][cancel]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    api_client client(settings_for(emu.base_url()), host.host(), fast_retries());
    host.cancel().request();
    const auto failure = outcome_of(client, detach, call_kind::write);
    REQUIRE(failure);
    CHECK(failure->kind == failure_kind::cancelled);
    CHECK_FALSE(failure->maybe_sent);
    CHECK(emu.count(detach) == 0);
    // Once consumed, the client works again on the same connection state.
    host.cancel().consume();
    CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
}

TEST_CASE("compshare_client a deadline bounds the wait for an answer and the retries",
          "[compshare_client][emulator][deadline]") {
    compshare_emulator::server emu({});
    test_support::test_host host;
    auto settings = settings_for(emu.base_url());
    settings.timeout = 30s;  // the configured per-request timeout alone would wait 30 s
    api_client client(settings, host.host(), fast_retries());

    SECTION("an answer that would come after the deadline is not waited for") {
        emu.add_fault(R"({"action":"*","mode":"delay","delay_ms":20000,"times":10})");
        const auto started = std::chrono::steady_clock::now();
        try {
            client.call(describe, describe_params, call_kind::read,
                        std::chrono::steady_clock::now() + 300ms);
            FAIL("the delayed call succeeded");
        } catch (const api_failure& f) {
            CHECK(f.kind == failure_kind::network);
            CHECK(f.retryable);
            CHECK(f.attempts == 1);  // no retry could finish in time
        }
        CHECK(std::chrono::steady_clock::now() - started < 10s);
    }
    SECTION("a deadline already past sends nothing") {
        try {
            client.call(detach, detach_params, call_kind::write, std::chrono::steady_clock::now());
            FAIL("a call past its deadline was made");
        } catch (const api_failure& f) {
            CHECK(f.reason == "deadline");
            CHECK(f.retryable);
            CHECK_FALSE(f.maybe_sent);
        }
        CHECK(emu.count(detach) == 0);
    }
    SECTION("after a deadline-bounded call, the configured timeout applies again") {
        emu.add_fault(R"({"action":"*","mode":"delay","delay_ms":20000})");
        CHECK_THROWS_AS(client.call(describe, describe_params, call_kind::read,
                                    std::chrono::steady_clock::now() + 200ms),
                        api_failure);
        emu.add_fault(R"({"action":"*","mode":"delay","delay_ms":400})");
        CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
    }
}

TEST_CASE("compshare_client HTTPS against the emulator", "[compshare_client][emulator][tls]") {
    test_support::temp_dir dir;
    const auto good = test_support::make_self_signed(dir, "localhost", {"localhost"});
    const auto other = test_support::make_self_signed(dir, "other", {"other.example"});

    SECTION("refused by default: the system store does not know the certificate") {
        compshare_emulator::server emu(tls_options(good));
        REQUIRE(emu.base_url().rfind("https://localhost:", 0) == 0);
        test_support::test_host host;
        api_client client(settings_for(emu.base_url()), host.host(), fast_retries());
        const auto failure = outcome_of(client, describe, call_kind::read);
        REQUIRE(failure);
        CHECK(failure->kind == failure_kind::network);
        CHECK(failure->reason == "tls");
        CHECK_FALSE(failure->retryable);
        CHECK_FALSE(failure->maybe_sent);
        CHECK(failure->attempts == 1);
        CHECK_THAT(failure->what(), Catch::Contains("certificate verify failed"));
        CHECK(emu.count(describe) == 0);
    }
    SECTION("works with ca_file") {
        compshare_emulator::server emu(tls_options(good));
        test_support::test_host host;
        auto settings = settings_for(emu.base_url());
        settings.ca_file = good.cert;
        api_client client(settings, host.host(), fast_retries());
        CHECK_NOTHROW(client.call(describe, describe_params, call_kind::read));
        CHECK_NOTHROW(client.call(detach, detach_params, call_kind::write));
        CHECK(emu.count(describe) == 1);
        CHECK(emu.accepted(detach) == 1);
        CHECK(client.stats().connections_opened == 1);  // TLS keep-alive too
    }
    SECTION("refused when the certificate is for another host name, even with it as ca_file") {
        compshare_emulator::server emu(tls_options(other));
        test_support::test_host host;
        auto settings = settings_for(emu.base_url());
        settings.ca_file = other.cert;
        api_client client(settings, host.host(), fast_retries());
        const auto failure = outcome_of(client, describe, call_kind::read);
        REQUIRE(failure);
        CHECK(failure->reason == "tls");
        CHECK_THAT(failure->what(), Catch::Contains("certificate verify failed (hostname mismatch)"));
        CHECK(emu.count(describe) == 0);
    }
    SECTION("refused even when the process has an accept-all Poco handler") {
        // A host application may have told Poco's process-wide SSLManager to accept any
        // certificate; the client's verification must not depend on it.
        struct accept_all {
            void on_error(const void*, Poco::Net::VerificationErrorArgs& args) {
                args.setIgnoreError(true);
            }
        } handler;
        auto& manager = Poco::Net::SSLManager::instance();
        manager.ClientVerificationError += Poco::delegate(&handler, &accept_all::on_error);
        struct unregister {
            Poco::Net::SSLManager& manager;
            accept_all& handler;
            ~unregister() {
                manager.ClientVerificationError -= Poco::delegate(&handler, &accept_all::on_error);
            }
        } cleanup{manager, handler};

        compshare_emulator::server emu(tls_options(good));
        test_support::test_host host;
        api_client client(settings_for(emu.base_url()), host.host(), fast_retries());
        const auto failure = outcome_of(client, describe, call_kind::read);
        REQUIRE(failure);
        CHECK(failure->reason == "tls");
        CHECK(emu.count(describe) == 0);
    }
    SECTION("a ca_file that is not a certificate bundle is refused at construction") {
        const auto junk = dir.write("junk.pem", "not a certificate\n");
        test_support::test_host host;
        auto settings = settings_for("https://localhost:1");
        settings.ca_file = junk;
        try {
            api_client client(settings, host.host(), fast_retries());
            FAIL("no error");
        } catch (const compshare::settings_error& e) {
            CHECK(e.type() == "InvalidParameter");
            CHECK_THAT(e.what(), Catch::Contains(junk));
        }
    }
}

TEST_CASE("compshare_client plain http to a non-loopback host is refused before sending",
          "[compshare_client][emulator]") {
    test_support::test_host host;
    for (const char* url :
         {"http://192.0.2.1:8080", "http://api.compshare.cn", "ftp://127.0.0.1"}) {
        INFO(url);
        try {
            api_client client(settings_for(url), host.host(), fast_retries());
            FAIL("no error");
        } catch (const compshare::settings_error& e) {
            CHECK(e.type() == "InvalidParameter");
            CHECK_THAT(e.what(), Catch::Contains("base_url"));
        }
    }
    CHECK(host.events().empty());
}
