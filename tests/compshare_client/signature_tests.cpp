// Signing: every official test vector of the reference (section 2), the two derived ones, value
// stringification and flattening (section 3).
#include "form_encoding.hpp"
#include "signature.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <catch2/catch.hpp>

using compshare::flat_params;

namespace {

const std::string pub = "ucloudsomeone@example.com1296235120854146120";
const std::string priv = "46f09bb9fab4f12dfc160dae12273d5332b5debe";

flat_params with_key(flat_params p) {
    p["PublicKey"] = pub;
    return p;
}

flat_params v2_params() {
    return with_key({{"Action", "CreateUHostInstance"},
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
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("compshare_client signature V1 and its string to sign", "[compshare_client][signature]") {
    const auto p =
        with_key({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Limit", "10"}});
    CHECK(compshare::string_to_sign(p, priv) ==
          "ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120"
          "Regioncn-bj246f09bb9fab4f12dfc160dae12273d5332b5debe");
    CHECK(compshare::sign(p, priv) == "cba5cf5ec4d4233d206b1b54951e3787350a642f");
}

TEST_CASE("compshare_client signature V2 sorts uppercase first", "[compshare_client][signature]") {
    CHECK(compshare::sign(v2_params(), priv) == "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65");
}

TEST_CASE("compshare_client signature V3 long array, bytewise key order",
          "[compshare_client][signature]") {
    auto backends = Poco::JSON::Array();
    const char* cycle[] = {"foo", "bar", "42"};
    flat_params p{{"Action", "AllocateBackendBatch"}};
    for (int i = 0; i < 12; ++i)
        p["Backends." + std::to_string(i)] = cycle[i % 3];
    CHECK(compshare::sign(with_key(p), priv) == "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3");

    // The same through flatten(): a JSON array with a number in it.
    const auto flat = compshare::flatten(*json(
        R"({"Action":"AllocateBackendBatch","Backends":["foo","bar",42,"foo","bar",42,"foo","bar",42,"foo","bar",42]})"));
    CHECK(flat == p);
}

TEST_CASE("compshare_client signature V4 security token", "[compshare_client][signature]") {
    auto p = v2_params();
    p["SecurityToken"] = "some_stoken";
    CHECK(compshare::sign(p, priv) == "170c480ad176a247b324eb92a2cfe536aacfbd04");
}

TEST_CASE("compshare_client signature V5 and V6 floats", "[compshare_client][signature]") {
    const auto v5 = compshare::flatten(
        *json(R"({"Action":"DescribeUHostInstance","Region":"cn-bj2","Proportion":35.0})"));
    CHECK(v5.at("Proportion") == "35");
    CHECK(compshare::sign(with_key(v5), priv) == "da620b97de476947302291fc93a2d8b0710be328");
    const auto v6 = compshare::flatten(
        *json(R"({"Action":"DescribeUHostInstance","Region":"cn-bj2","Proportion":65.722})"));
    CHECK(v6.at("Proportion") == "65.722");
    CHECK(compshare::sign(with_key(v6), priv) == "5e39dd48144d6a075328e56a6c5e9df6c39ae939");
}

TEST_CASE("compshare_client signature V7 with and without PublicKey",
          "[compshare_client][signature]") {
    CHECK(compshare::sign({{"foo", "bar"}}, "my_private_key") ==
          "634edc1bb957c0d65e5ab5494cf3b7784fbc87af");
    CHECK(compshare::sign({{"foo", "bar"}, {"PublicKey", "my_public_key"}}, "my_private_key") ==
          "d4411ab30953fb0bbcb1e7313081f05e4e91a394");
}

TEST_CASE("compshare_client signature derived DetachCompshareDisk vectors",
          "[compshare_client][signature]") {
    flat_params p = with_key({{"Action", "DetachCompshareDisk"},
                              {"Region", "cn-wlcb"},
                              {"Zone", "cn-wlcb-01"},
                              {"UHostId", "uhost-xxxx"},
                              {"UDiskId", "udisk-xxxx"},
                              {"Device", "/dev/vdb"}});
    CHECK(compshare::sign(p, priv) == "a6ec6e07f490cd46e91684c1bc444124c4f62573");
    p.erase("Device");
    CHECK(compshare::sign(p, priv) == "7573a643e39b9b8dcc620eab5c57fe1f34c37f1b");
}

TEST_CASE("compshare_client signature ignores a Signature entry", "[compshare_client][signature]") {
    auto p = with_key({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Limit", "10"}});
    p["Signature"] = "stale";
    CHECK(compshare::sign(p, priv) == "cba5cf5ec4d4233d206b1b54951e3787350a642f");
}

TEST_CASE("compshare_client stringify numbers and booleans", "[compshare_client][signature]") {
    using compshare::stringify_value;
    CHECK(stringify_value(true) == "true");
    CHECK(stringify_value(false) == "false");
    CHECK(stringify_value(42) == "42");
    CHECK(stringify_value(-7) == "-7");
    CHECK(stringify_value(Poco::Int64(9007199254740993LL)) == "9007199254740993");
    CHECK(stringify_value(Poco::UInt64(18446744073709551615ULL)) == "18446744073709551615");
    CHECK(stringify_value(42.0) == "42");
    CHECK(stringify_value(42.42) == "42.42");
    CHECK(stringify_value(0.1) == "0.1");
    CHECK(stringify_value(1e-7) == "0.0000001");
    CHECK(stringify_value(1e21) == "1000000000000000000000");
    CHECK(stringify_value(-0.5) == "-0.5");
    CHECK(stringify_value(std::string("a b")) == "a b");
    CHECK_THROWS_AS(stringify_value(std::numeric_limits<double>::quiet_NaN()),
                    std::invalid_argument);
    CHECK_THROWS_AS(stringify_value(std::numeric_limits<double>::infinity()),
                    std::invalid_argument);
    CHECK_THROWS_AS(stringify_value(Poco::Dynamic::Var()), std::invalid_argument);
}

TEST_CASE("compshare_client flatten arrays, objects, nulls", "[compshare_client][signature]") {
    const auto flat = compshare::flatten(*json(R"({
        "UHostIds": ["uhost-a", "uhost-b"],
        "Led": {"Enabled": true},
        "Disks": [{"IsBoot": true, "Size": 200, "Type": "CLOUD_SSD"}],
        "Skipped": null,
        "Limit": 10,
        "WithoutGpu": false
    })"));
    const flat_params expected{{"UHostIds.0", "uhost-a"}, {"UHostIds.1", "uhost-b"},
                               {"Led.Enabled", "true"},   {"Disks.0.IsBoot", "true"},
                               {"Disks.0.Size", "200"},   {"Disks.0.Type", "CLOUD_SSD"},
                               {"Limit", "10"},           {"WithoutGpu", "false"}};
    CHECK(flat == expected);
}

TEST_CASE("compshare_client form encoding", "[compshare_client][signature]") {
    CHECK(compshare::form_encode({{"A", "b c"}, {"D", "/dev/vdb"}, {"E", "x&y=z+1"}}) ==
          "A=b%20c&D=%2Fdev%2Fvdb&E=x%26y%3Dz%2B1");
    CHECK(compshare::form_encode({{"PublicKey", "ucloudsomeone@example.com"}, {"Name", "中"}}) ==
          "Name=%E4%B8%AD&PublicKey=ucloudsomeone%40example.com");
    CHECK(compshare::form_encode({{"K", "a-b_c.d~e"}}) == "K=a-b_c.d~e");
    CHECK(compshare::form_encode({}).empty());
}

TEST_CASE("compshare_client form encoding matches Poco::URI::encode for every byte",
          "[compshare_client][signature]") {
    // The hand-written encoder replaced Poco::URI::encode with this reserved set (a speed-up):
    // the bytes on the wire, and so the signatures the service checks, must not change.
    const std::string reserved = "!#$&'()*+,/:;=?@[]%\"<>\\^`{|} ";
    for (int c = 0; c < 256; ++c) {
        const std::string text = std::string("a") + static_cast<char>(c) + "z";
        std::string expected = "k=";
        Poco::URI::encode(text, reserved, expected);
        INFO("byte " << c);
        CHECK(compshare::form_encode({{"k", text}}) == expected);
    }
}
