// The retry / maybe_sent rules for one attempt, without a network.
#include "client/classify.hpp"

#include <catch2/catch.hpp>

using namespace compshare;

namespace {

http_response answer(int status, std::string body, std::string request_id = "req-1") {
    http_response r;
    r.status = status;
    r.reason_phrase = "Reason";
    r.body = std::move(body);
    r.request_id = std::move(request_id);
    return r;
}

attempt_failure failure_of(call_kind kind, const http_response& response) {
    api_reply reply;
    auto f = classify_response("Act", kind, response, reply);
    REQUIRE(f);
    return *f;
}

}  // namespace

TEST_CASE("compshare_client classify RetCode 0 is the only success",
          "[compshare_client][classify]") {
    api_reply reply;
    CHECK_FALSE(
        classify_response("Act", call_kind::write, answer(200, R"({"RetCode":0,"X":1})"), reply));
    CHECK(reply.body == R"({"RetCode":0,"X":1})");
    CHECK(reply.request_id == "req-1");
    CHECK(reply.action.empty());
    CHECK_FALSE(classify_response("Act", call_kind::write,
                                  answer(200, R"({"RetCode":0,"Action":"ActResponse"})"), reply));
    CHECK(reply.action == "ActResponse");
    CHECK_FALSE(
        classify_response("Act", call_kind::read, answer(201, R"({"RetCode":"0"})"), reply));
}

TEST_CASE("compshare_client classify HTTP statuses", "[compshare_client][classify]") {
    struct row {
        int status;
        call_kind kind;
        bool retry, retryable, maybe_sent;
    };
    const row rows[] = {
        {429, call_kind::read, true, true, false},   {429, call_kind::write, true, true, false},
        {500, call_kind::read, false, true, true},   {500, call_kind::write, false, true, true},
        {502, call_kind::read, true, true, true},    {502, call_kind::write, false, true, true},
        {503, call_kind::read, true, true, true},    {503, call_kind::write, false, true, true},
        {504, call_kind::read, true, true, true},    {504, call_kind::write, false, true, true},
        {400, call_kind::read, false, false, false}, {401, call_kind::write, false, false, false},
        {404, call_kind::read, false, false, false}, {301, call_kind::write, false, false, false},
    };
    for (const auto& r : rows) {
        INFO(r.status << (r.kind == call_kind::read ? " read" : " write"));
        const auto f = failure_of(r.kind, answer(r.status, R"({"RetCode":0})"));
        CHECK(f.error.kind == failure_kind::http_status);
        CHECK(f.error.http_status == r.status);
        CHECK(f.retry == r.retry);
        CHECK(f.error.retryable == r.retryable);
        CHECK(f.error.maybe_sent == r.maybe_sent);
        CHECK(f.error.request_id == "req-1");
        CHECK(f.error.reason == "http_" + std::to_string(r.status));
    }
}

TEST_CASE("compshare_client classify RetCodes", "[compshare_client][classify]") {
    struct row {
        int code;
        call_kind kind;
        bool retry, retryable, maybe_sent;
    };
    const row rows[] = {
        {150, call_kind::read, true, true, false},
        {150, call_kind::write, true, true, false},
        {153, call_kind::read, true, true, false},
        {153, call_kind::write, true, true, false},
        {110, call_kind::read, true, true, true},
        {110, call_kind::write, false, true, true},
        {170, call_kind::read, false, false, false},
        {171, call_kind::write, false, false, false},
        {172, call_kind::read, false, false, false},
        {174, call_kind::read, false, false, false},
        {8434, call_kind::write, false, false, false},
        {17061, call_kind::write, false, false, false},
        {230, call_kind::read, false, false, false},
    };
    for (const auto& r : rows) {
        INFO(r.code << (r.kind == call_kind::read ? " read" : " write"));
        const auto f = failure_of(
            r.kind, answer(200, R"({"RetCode":)" + std::to_string(r.code) + R"(,"Message":"m"})"));
        CHECK(f.error.kind == failure_kind::api_error);
        CHECK(f.error.ret_code == r.code);
        CHECK(f.error.api_message == "m");
        CHECK(f.retry == r.retry);
        CHECK(f.error.retryable == r.retryable);
        CHECK(f.error.maybe_sent == r.maybe_sent);
    }
}

TEST_CASE("compshare_client classify unreadable 2xx bodies", "[compshare_client][classify]") {
    for (const auto kind : {call_kind::read, call_kind::write}) {
        for (const char* body : {"", "{", "[]", R"({"NoRetCode":1})"}) {
            const auto f = failure_of(kind, answer(200, body));
            CHECK(f.error.kind == failure_kind::bad_response);
            CHECK_FALSE(f.retry);
            CHECK(f.error.maybe_sent);
        }
        auto big = answer(200, "");
        big.too_large = true;
        CHECK(failure_of(kind, big).error.kind == failure_kind::bad_response);
    }
}

TEST_CASE("compshare_client classify transport failures by phase", "[compshare_client][classify]") {
    const auto f = [](call_kind kind, exchange_phase phase, const char* reason) {
        return classify_transport_error("Act", kind, {phase, reason, "detail"}, "h:1");
    };
    for (const auto kind : {call_kind::read, call_kind::write}) {
        auto c = f(kind, exchange_phase::connecting, "connect_failed");
        CHECK(c.retry);
        CHECK_FALSE(c.error.maybe_sent);
        CHECK_THAT(c.error.what(), Catch::Contains("h:1") && Catch::Contains("detail"));
        c = f(kind, exchange_phase::connecting, "tls");
        CHECK_FALSE(c.retry);
        CHECK_FALSE(c.error.retryable);
        c = f(kind, exchange_phase::connecting, "refused");
        CHECK_FALSE(c.retry);
        c = f(kind, exchange_phase::connecting, "not_tls");
        CHECK_FALSE(c.retry);
        CHECK_FALSE(c.error.retryable);
        CHECK(c.error.reason == "not_tls");
        c = f(kind, exchange_phase::sending, "connection_reset");
        CHECK(c.retry);
        CHECK_FALSE(c.error.maybe_sent);
    }
    auto r = f(call_kind::read, exchange_phase::receiving, "timeout");
    CHECK(r.retry);
    CHECK(r.error.maybe_sent);
    CHECK_THAT(r.error.what(), Catch::Contains("no complete response: detail"));
    r = f(call_kind::write, exchange_phase::receiving, "timeout");
    CHECK_FALSE(r.retry);
    CHECK(r.error.retryable);
    CHECK(r.error.maybe_sent);
    r = f(call_kind::write, exchange_phase::receiving, "connection_reset");
    CHECK_FALSE(r.retry);
    CHECK(r.error.maybe_sent);
    CHECK(r.error.reason == "connection_reset");
}
