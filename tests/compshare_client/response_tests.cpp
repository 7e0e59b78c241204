// Response bodies: RetCode as a number or a numeric string; everything else is an error.
#include "client/response.hpp"

#include <catch2/catch.hpp>

using compshare::bad_response_error;
using compshare::parse_response;

TEST_CASE("compshare_client response RetCode as number or numeric string",
          "[compshare_client][response]") {
    CHECK(parse_response(R"({"RetCode":0,"Action":"XResponse"})").ret_code == 0);
    CHECK(parse_response(R"({"RetCode":"0"})").ret_code == 0);
    CHECK(parse_response(R"({"RetCode":171,"Message":"Signature VerifyAC Error"})").ret_code ==
          171);
    CHECK(parse_response(R"({"RetCode":"171"})").ret_code == 171);
    CHECK(parse_response(R"({"RetCode":8434.0})").ret_code == 8434);
    CHECK(parse_response(R"({"RetCode":"-1"})").ret_code == -1);
    const auto r = parse_response(R"({"RetCode":230,"Message":"Params [Name]\n not available"})");
    CHECK(r.message == "Params [Name] not available");
    CHECK(parse_response(R"({"RetCode":0,"Action":"XResponse"})").action == "XResponse");
    CHECK(parse_response(R"({"RetCode":0,"Action":7})").action.empty());
}

TEST_CASE("compshare_client response fields are the document's own members",
          "[compshare_client][response]") {
    // Names deeper in the document are other things' (a Describe's records): never taken.
    const auto r = parse_response(
        R"({"Data":{"RetCode":0,"Message":"inner","Action":"inner"},"Set":[{"RetCode":1}],)"
        R"("RetCode":5,"Message":"outer","Action":"XResponse"})");
    CHECK(r.ret_code == 5);
    CHECK(r.message == "outer");
    CHECK(r.action == "XResponse");
    CHECK_THROWS_AS(parse_response(R"({"Data":{"RetCode":0}})"), bad_response_error);
    CHECK_THROWS_AS(parse_response(R"([{"RetCode":0}])"), bad_response_error);
    CHECK(parse_response(R"({"Message":{"Text":"x"},"RetCode":0})").message.empty());
}

TEST_CASE("compshare_client response bodies that are errors, never success",
          "[compshare_client][response]") {
    const char* bad[] = {"", "   \n", "not json", R"({"RetCode":0,"UHost)", "[]", "0",
                         R"("RetCode")", R"({"Action":"XResponse"})", R"({"RetCode":null})",
                         R"({"RetCode":true})", R"({"RetCode":"abc"})", R"({"RetCode":"0x1"})",
                         R"({"RetCode":" 0"})", R"({"RetCode":""})", R"({"RetCode":1.5})",
                         R"({"RetCode":[0]})", R"({"RetCode":{}})", R"({"RetCode":99999999999})",
                         // Never wrapped to 0 (2^64), never decided by the last of two.
                         R"({"RetCode":18446744073709551616})",
                         R"({"RetCode":-9223372036854775809})", R"({"RetCode":1,"RetCode":0})",
                         R"({"RetCode":1,"Ret\u0043ode":0})",
                         "{\"RetCode\":0,\"Message\":\"\xff\"}"};
    for (const char* body : bad) {
        INFO(body);
        CHECK_THROWS_AS(parse_response(body), bad_response_error);
    }
}

TEST_CASE("compshare_client response errors never quote the body", "[compshare_client][response]") {
    try {
        parse_response(R"({"Password":"SECRET-PASSWORD","SshLoginCommand":"ssh root@x" broken)");
        FAIL("no error");
    } catch (const bad_response_error& e) {
        CHECK_THAT(e.what(), !Catch::Contains("SECRET") && !Catch::Contains("ssh"));
    }
}

TEST_CASE("compshare_client response: a duplicate member is named, a value never",
          "[compshare_client][response]") {
    try {
        parse_response(R"({"Password":"SECRET-PASSWORD","Password":"SECRET-2","RetCode":0})");
        FAIL("no error");
    } catch (const bad_response_error& e) {
        CHECK_THAT(e.what(), Catch::Contains(R"(duplicate member name "Password")"));
        CHECK_THAT(e.what(), !Catch::Contains("SECRET"));
    }
}

TEST_CASE("compshare_client clean_text cuts on a UTF-8 boundary", "[compshare_client][response]") {
    CHECK(compshare::clean_text("a\x01\tb") == "ab");
    const std::string cut = compshare::clean_text("\xe4\xb8\xad\xe4\xb8\xad", 4);
    CHECK(cut == "\xe4\xb8\xad...");
}

TEST_CASE("compshare_client response deeply nested body is an error, not a crash",
          "[compshare_client][response]") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_AS(parse_response(deep), bad_response_error);
    const std::string deep_object = R"({"RetCode":0,"A":)" + deep + "}";
    CHECK_THROWS_AS(parse_response(deep_object), bad_response_error);
}
