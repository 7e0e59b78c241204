// Signing: every official test vector of the reference (section 2), the two derived ones, value
// stringification and flattening (section 3).
#include "client/form_encoding.hpp"
#include "client/signature.hpp"
#include "signature_vectors.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <catch2/catch.hpp>

using compshare::flat_params;

namespace {

using test_support::vector_private_key;

flat_params keyed(flat_params p) {
    p["PublicKey"] = test_support::vector_public_key;
    return p;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST_CASE("compshare_client signature: the reference's test vectors",
          "[compshare_client][signature]") {
    for (const auto& v : test_support::signature_vectors()) {
        INFO(v.name);
        CHECK(compshare::sign(v.params, v.private_key) == v.signature);
        // A stale Signature entry is never signed.
        auto with_signature = v.params;
        with_signature["Signature"] = "stale";
        CHECK(compshare::sign(with_signature, v.private_key) == v.signature);
    }
}

TEST_CASE("compshare_client signature of pieces of every size", "[compshare_client][signature]") {
    // Short pieces are gathered before they reach the digest, long ones go straight to it: the
    // signature is the SHA-1 of the string to sign whatever the sizes.
    for (const std::size_t size : {0, 1, 63, 64, 255, 256, 257, 1000}) {
        INFO(size);
        const auto p = keyed({{"Action", "X"}, {"Long", std::string(size, 'v')}, {"Zone", "z"}});
        CHECK(compshare::sign(p, vector_private_key) ==
              compshare::sha1_hex(compshare::string_to_sign(p, vector_private_key)));
    }
}

TEST_CASE("compshare_client signature V1's string to sign", "[compshare_client][signature]") {
    const auto p =
        keyed({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Limit", "10"}});
    CHECK(compshare::string_to_sign(p, vector_private_key) ==
          "ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120"
          "Regioncn-bj246f09bb9fab4f12dfc160dae12273d5332b5debe");
}

TEST_CASE("compshare_client flatten gives V3's long array and V5/V6's floats",
          "[compshare_client][signature]") {
    const auto vectors = test_support::signature_vectors();
    const auto params_of = [&](const std::string& name) {
        for (const auto& v : vectors) {
            if (v.name == name) {
                auto p = v.params;
                p.erase("PublicKey");
                return p;
            }
        }
        FAIL("no vector " << name);
        return flat_params{};
    };
    CHECK(
        compshare::flatten(*json(
            R"({"Action":"AllocateBackendBatch","Backends":["foo","bar",42,"foo","bar",42,"foo","bar",42,"foo","bar",42]})")) ==
        params_of("V3"));
    CHECK(compshare::flatten(
              *json(R"({"Action":"DescribeUHostInstance","Region":"cn-bj2","Proportion":35.0})")) ==
          params_of("V5"));
    CHECK(compshare::flatten(*json(
              R"({"Action":"DescribeUHostInstance","Region":"cn-bj2","Proportion":65.722})")) ==
          params_of("V6"));
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
