// The signature check: the reference's official vectors, and the server accepting requests
// signed with them (form, JSON, GET) and rejecting tampered ones.
#include "emulator_client.hpp"
#include "request_params.hpp"

#include <catch2/catch.hpp>

using compshare_emulator::compute_signature;
using compshare_emulator::default_private_key;
using compshare_emulator::default_public_key;
using emulator_test::param_map;

namespace {

param_map with_key(param_map params) {
    params["PublicKey"] = default_public_key;
    return params;
}

const param_map v2_params = with_key({{"Action", "CreateUHostInstance"},
                                      {"CPU", "2"},
                                      {"ChargeType", "Month"},
                                      {"DiskSpace", "10"},
                                      {"ImageId", "f43736e1-65a5-4bea-ad2e-8a46e18883c2"},
                                      {"LoginMode", "Password"},
                                      {"Memory", "2048"},
                                      {"Name", "Host01"},
                                      {"Password", "VUNsb3VkLmNu"},
                                      {"Quantity", "1"},
                                      {"Region", "cn-bj2"},
                                      {"Zone", "cn-bj2-04"}});

}  // namespace

TEST_CASE("emulator signature: official test vectors V1-V7", "[emulator][signature]") {
    CHECK(
        compute_signature(
            with_key({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Limit", "10"}}),
            default_private_key) == "cba5cf5ec4d4233d206b1b54951e3787350a642f");
    CHECK(compute_signature(v2_params, default_private_key) ==
          "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65");
    param_map v3 = with_key({{"Action", "AllocateBackendBatch"}});
    const char* cycle[] = {"foo", "bar", "42"};
    for (int i = 0; i < 12; ++i) {
        v3["Backends." + std::to_string(i)] = cycle[i % 3];
    }
    CHECK(compute_signature(v3, default_private_key) == "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3");
    param_map v4 = v2_params;
    v4["SecurityToken"] = "some_stoken";
    CHECK(compute_signature(v4, default_private_key) == "170c480ad176a247b324eb92a2cfe536aacfbd04");
    CHECK(compute_signature(with_key({{"Action", "DescribeUHostInstance"},
                                      {"Region", "cn-bj2"},
                                      {"Proportion", "35"}}),
                            default_private_key) == "da620b97de476947302291fc93a2d8b0710be328");
    CHECK(compute_signature(with_key({{"Action", "DescribeUHostInstance"},
                                      {"Region", "cn-bj2"},
                                      {"Proportion", "65.722"}}),
                            default_private_key) == "5e39dd48144d6a075328e56a6c5e9df6c39ae939");
    CHECK(compute_signature({{"foo", "bar"}}, "my_private_key") ==
          "634edc1bb957c0d65e5ab5494cf3b7784fbc87af");
    CHECK(compute_signature({{"foo", "bar"}, {"PublicKey", "my_public_key"}}, "my_private_key") ==
          "d4411ab30953fb0bbcb1e7313081f05e4e91a394");
    // The Signature parameter itself is never signed.
    param_map signed_v2 = v2_params;
    signed_v2["Signature"] = "anything";
    CHECK(compute_signature(signed_v2, default_private_key) ==
          "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65");
}

TEST_CASE("emulator signature: derived DetachCompshareDisk vectors", "[emulator][signature]") {
    param_map params = with_key({{"Action", "DetachCompshareDisk"},
                                 {"Region", "cn-wlcb"},
                                 {"Zone", "cn-wlcb-01"},
                                 {"UHostId", "uhost-xxxx"},
                                 {"UDiskId", "udisk-xxxx"},
                                 {"Device", "/dev/vdb"}});
    CHECK(compute_signature(params, default_private_key) ==
          "a6ec6e07f490cd46e91684c1bc444124c4f62573");
    params.erase("Device");
    CHECK(compute_signature(params, default_private_key) ==
          "7573a643e39b9b8dcc620eab5c57fe1f34c37f1b");
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
