// Unit tests of the result object and the status mapping (the ABI status is the one success
// signal).
#include "actions/detach_result.hpp"

#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

using namespace compshare::detach;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("compshare_disk result: success has every field and no error", "[result]") {
    detach_report r;
    r.ok = true;
    r.changed = true;
    r.status = status::detached;
    r.detach_sent = true;
    r.resource.region = "cn-wlcb";
    r.resource.uhost_id = "uhost-1";
    r.observed.instance_state = "Stopped";
    r.observed.attached_before = true;
    r.observed.attached_after = false;
    r.response = api_response{"DetachCompshareDiskResponse", 0, ""};
    r.request_ids = {"id-1", "id-2"};
    r.timing.api_calls = 4;
    r.client_token = "tok";
    r.warnings = {"unmount"};
    r.message = "detached";
    const auto out = to_outcome(r);
    CHECK(out.status == AH_OK);
    CHECK(out.message.empty());
    const auto json = parse(out.result_json);
    CHECK(json->getValue<bool>("ok"));
    CHECK(json->getValue<std::string>("status") == "detached");
    CHECK(json->getObject("resource")->isNull("zone"));
    CHECK(json->getObject("resource")->getValue<std::string>("uhost_id") == "uhost-1");
    CHECK(json->getObject("observed")->getValue<bool>("attached_after") == false);
    CHECK(json->getObject("response")->getValue<int>("RetCode") == 0);
    CHECK_FALSE(json->getObject("response")->has("Message"));
    CHECK(json->getArray("request_ids")->size() == 2);
    CHECK(json->getObject("timing")->getValue<int>("api_calls") == 4);
    CHECK(json->getValue<std::string>("client_token") == "tok");
    CHECK_FALSE(json->has("error"));
    CHECK_FALSE(json->has("hint"));
}

TEST_CASE("compshare_disk result: status mapping per error type", "[result]") {
    struct item {
        const char* type;
        ah_status status;
    };
    for (const auto& c :
         {item{"InvalidParameter", AH_INVALID_ARGUMENT}, item{"Cancelled", AH_CANCELLED},
          item{"WaitTimeout", AH_TIMEOUT}, item{"CredentialsMissing", AH_ERROR},
          item{"AuthFailed", AH_ERROR}, item{"InstanceNotFound", AH_ERROR},
          item{"SystemDiskNotDetachable", AH_ERROR}, item{"InstanceNotStopped", AH_ERROR},
          item{"ApiError", AH_ERROR}, item{"Transient", AH_ERROR}}) {
        INFO(c.type);
        detach_report r;
        error_info e;
        e.type = c.type;
        e.message = "it failed";
        e.ret_code = 171;
        e.request_id = "rid";
        r.error = e;
        r.message = e.message;
        const auto out = to_outcome(r);
        CHECK(out.status == c.status);
        CHECK(out.message == std::string(c.type) + ": it failed");
        const auto json = parse(out.result_json);
        CHECK_FALSE(json->getValue<bool>("ok"));
        const auto error = json->getObject("error");
        REQUIRE(error);
        CHECK(error->getValue<std::string>("type") == c.type);
        CHECK(error->getValue<int>("ret_code") == 171);
        CHECK(error->isNull("api_message"));
        CHECK(error->getValue<std::string>("request_id") == "rid");
        CHECK_FALSE(json->getValue<std::string>("hint").empty());
    }
}

TEST_CASE("compshare_disk result: invalid UTF-8 from the service still gives valid JSON",
          "[result]") {
    detach_report r;
    error_info e;
    e.type = "ApiError";
    e.message = "bad \xff\xfe bytes \"quoted\"\n";
    e.api_message = "\xc3";
    r.error = e;
    const auto json = parse(to_json(r));
    CHECK(json->getObject("error")->getValue<std::string>("message") ==
          "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \"quoted\"\n");
}

TEST_CASE("compshare_disk result: Cancelled hint says whether the detach was sent", "[result]") {
    error_info e;
    e.type = "Cancelled";
    CHECK_THAT(hint_for(e, true), Catch::Contains("already been sent"));
    CHECK_THAT(hint_for(e, false), Catch::Contains("Nothing was changed"));
}

TEST_CASE("compshare_disk result: a certificate that does not verify is AuthFailed, not retried",
          "[result]") {
    const auto network = [](const char* reason) {
        compshare::api_failure f(compshare::failure_kind::network, "x: TLS handshake failed");
        f.reason = reason;
        return classify(f, "DescribeCompShareInstance for uhost-x");
    };
    const auto tls = network("tls");
    CHECK(tls.type == "AuthFailed");
    CHECK_FALSE(tls.retryable);
    CHECK_THAT(hint_for(tls, false), Catch::Contains("TLS certificate"));
    // A plain-http name that resolves off loopback: the config's base_url is the problem.
    const auto refused = network("refused");
    CHECK(refused.type == "InvalidParameter");
    CHECK_FALSE(refused.retryable);
    // Everything else on the network may pass later.
    for (const char* reason : {"connect_failed", "connect_timeout", "timeout", "reset"}) {
        const auto e = network(reason);
        CHECK(e.type == "Transient");
        CHECK(e.retryable);
    }
    // An auth RetCode keeps the API key hint.
    compshare::api_failure rc(compshare::failure_kind::api_error, "x: RetCode 171");
    rc.ret_code = 171;
    CHECK_THAT(hint_for(classify(rc, "c"), false), Catch::Contains("API key pair"));
}
