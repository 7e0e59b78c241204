// The signature check: the reference's official vectors, and the server accepting requests
// signed with them (form, JSON, GET) and rejecting tampered ones.
#include "emulator_client.hpp"
#include "request_params.hpp"
#include "signature_vectors.hpp"

#include <catch2/catch.hpp>

using compshare_emulator::compute_signature;
using compshare_emulator::default_private_key;
using compshare_emulator::default_public_key;
using emulator_test::param_map;

TEST_CASE("emulator signature: the reference's test vectors", "[emulator][signature]") {
    for (const auto& v : test_support::signature_vectors()) {
        INFO(v.name);
        CHECK(compute_signature(param_map(v.params.begin(), v.params.end()), v.private_key) ==
              v.signature);
        // The Signature parameter itself is never signed.
        param_map with_signature(v.params.begin(), v.params.end());
        with_signature["Signature"] = "anything";
        CHECK(compute_signature(with_signature, v.private_key) == v.signature);
    }
}

TEST_CASE("emulator params: JSON bodies are flattened and stringified like the SDKs",
          "[emulator][signature]") {
    param_map params;
    compshare_emulator::parse_json_body(
        R"({"Action":"X","Limit":10,"Proportion":35.0,"Ratio":65.722,"Big":1e21,"Flag":true,)"
        R"("Off":false,"Skip":null,"UHostIds":["a","b"],"Led":{"Enabled":true},)"
        R"("Disks":[{"IsBoot":true,"Size":200}]})",
        params);
    CHECK(params.at("Limit") == "10");
    CHECK(params.at("Proportion") == "35");
    CHECK(params.at("Ratio") == "65.722");
    CHECK(params.at("Big") == "1000000000000000000000");
    CHECK(params.at("Flag") == "true");
    CHECK(params.at("Off") == "false");
    CHECK(params.count("Skip") == 0);
    CHECK(params.at("UHostIds.0") == "a");
    CHECK(params.at("UHostIds.1") == "b");
    CHECK(params.at("Led.Enabled") == "true");
    CHECK(params.at("Disks.0.IsBoot") == "true");
    CHECK(params.at("Disks.0.Size") == "200");
    CHECK_THROWS_AS(compshare_emulator::parse_json_body("[1]", params),
                    compshare_emulator::bad_request_body);
    CHECK_THROWS_AS(compshare_emulator::parse_json_body("{", params),
                    compshare_emulator::bad_request_body);
}

TEST_CASE("emulator params: form decoding", "[emulator][signature]") {
    param_map params;
    compshare_emulator::parse_urlencoded("a=x+y&b=%2Fdev%2Fvdb&c&=skip&d=1=2&&", params);
    CHECK(params.at("a") == "x y");
    CHECK(params.at("b") == "/dev/vdb");
    CHECK(params.at("c").empty());
    CHECK(params.at("d") == "1=2");
    CHECK(params.count("") == 0);
    CHECK_THROWS_AS(compshare_emulator::parse_urlencoded("a=%zz", params),
                    compshare_emulator::bad_request_body);
}

TEST_CASE("emulator signature: the server accepts signed requests in every encoding",
          "[emulator][signature]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    const param_map describe = {
        {"Action", "DescribeCompShareInstance"}, {"Region", "cn-wlcb"}, {"Limit", "10"}};

    SECTION("form body, Action also in the query (Go SDK)") {
        auto answer = emulator_test::call(port, describe);
        CHECK(answer.status == 200);
        CHECK(answer.ret_code() == 0);
    }
    SECTION("form body to / (Python SDK)") {
        auto answer =
            emulator_test::request(port, "POST", "/", "application/x-www-form-urlencoded",
                                   emulator_test::form_encode(emulator_test::sign(describe)));
        CHECK(answer.ret_code() == 0);
    }
    SECTION("GET with the query string") {
        auto answer = emulator_test::request(
            port, "GET", "/?" + emulator_test::form_encode(emulator_test::sign(describe)));
        CHECK(answer.ret_code() == 0);
    }
    SECTION("JSON body with typed values signed in their stringified form") {
        param_map flat = describe;
        flat["WithoutGpu"] = "false";
        flat["Limit"] = "10";
        const auto signed_params = emulator_test::sign(flat);
        const std::string body =
            R"({"Action":"DescribeCompShareInstance","Region":"cn-wlcb","Limit":10.0,)"
            R"("WithoutGpu":false,"PublicKey":")" +
            std::string(default_public_key) + R"(","Signature":")" + signed_params.at("Signature") +
            R"("})";
        auto answer = emulator_test::request(port, "POST", "/", "application/json", body);
        CHECK(answer.ret_code() == 0);
    }
    SECTION("the derived detach vector passes the signature check") {
        const std::string body =
            "Action=DetachCompshareDisk&Region=cn-wlcb&Zone=cn-wlcb-01&UHostId=uhost-xxxx"
            "&UDiskId=udisk-xxxx&Device=%2Fdev%2Fvdb&PublicKey=ucloudsomeone%40example.com"
            "1296235120854146120&Signature=a6ec6e07f490cd46e91684c1bc444124c4f62573";
        auto answer =
            emulator_test::request(port, "POST", "/", "application/x-www-form-urlencoded", body);
        CHECK(answer.ret_code() == 8040);  // past authentication: the instance is unknown
    }
}

TEST_CASE("emulator signature: gateway errors 160, 161, 170, 171, 172", "[emulator][signature]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    const std::string form = "application/x-www-form-urlencoded";
    param_map good =
        emulator_test::sign({{"Action", "DescribeCompShareInstance"}, {"Region", "cn-wlcb"}});

    SECTION("tampered value -> 171") {
        param_map tampered = good;
        tampered["Region"] = "cn-wlcb2";
        auto answer =
            emulator_test::request(port, "POST", "/", form, emulator_test::form_encode(tampered));
        CHECK(answer.ret_code() == 171);
        CHECK(answer.json()->getValue<std::string>("Message") == "Signature VerifyAC Error");
        CHECK(answer.json()->getValue<std::string>("Action") ==
              "DescribeCompShareInstanceResponse");
    }
    SECTION("added parameter -> 171") {
        param_map tampered = good;
        tampered["Limit"] = "5";
        CHECK(emulator_test::request(port, "POST", "/", form, emulator_test::form_encode(tampered))
                  .ret_code() == 171);
    }
    SECTION("query parameter not covered by the signature -> 171") {
        CHECK(emulator_test::request(port, "POST", "/?Zone=cn-wlcb-01", form,
                                     emulator_test::form_encode(good))
                  .ret_code() == 171);
    }
    SECTION("uppercase hex signature -> 171") {
        param_map tampered = good;
        for (auto& c : tampered["Signature"]) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        CHECK(emulator_test::request(port, "POST", "/", form, emulator_test::form_encode(tampered))
                  .ret_code() == 171);
    }
    SECTION("missing Signature -> 170") {
        param_map unsigned_params = good;
        unsigned_params.erase("Signature");
        CHECK(emulator_test::request(port, "POST", "/", form,
                                     emulator_test::form_encode(unsigned_params))
                  .ret_code() == 170);
    }
    SECTION("unknown PublicKey -> 172") {
        auto other = emulator_test::sign({{"Action", "DescribeCompShareInstance"}}, "someone-else",
                                         "secret");
        CHECK(emulator_test::request(port, "POST", "/", form, emulator_test::form_encode(other))
                  .ret_code() == 172);
    }
    SECTION("missing PublicKey -> 172") {
        param_map no_key = good;
        no_key.erase("PublicKey");
        CHECK(emulator_test::request(port, "POST", "/", form, emulator_test::form_encode(no_key))
                  .ret_code() == 172);
    }
    SECTION("missing Action -> 160") {
        auto answer = emulator_test::request(
            port, "POST", "/", form,
            emulator_test::form_encode(emulator_test::sign({{"Region", "cn-wlcb"}})));
        CHECK(answer.ret_code() == 160);
        CHECK(answer.json()->getValue<std::string>("Action") == "Response");
    }
    SECTION("unknown Action -> 161") {
        auto answer = emulator_test::call(port, {{"Action", "DetachCompShareDisk"}});  // case
        CHECK(answer.ret_code() == 161);
        CHECK(answer.json()->getValue<std::string>("Action") == "DetachCompShareDiskResponse");
    }
    SECTION("unparseable JSON body -> 230") {
        auto answer = emulator_test::request(port, "POST", "/", "application/json", "{nope");
        CHECK(answer.status == 200);
        CHECK(answer.ret_code() == 230);
    }
    CHECK(server.accepted("DescribeCompShareInstance") == 0);
}
