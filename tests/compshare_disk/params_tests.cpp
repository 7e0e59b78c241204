// Unit tests of the detach parameters: every validation rule, messages that name the field, and
// credential-like keys refused without echoing their values.
#include "actions/detach_params.hpp"

#include <catch2/catch.hpp>

#include <string>

using compshare::detach::detach_params;
using compshare::detach::invalid_parameter;
using compshare::detach::parse_detach_params;

namespace {

const std::string base = R"("UHostId":"uhost-1","UDiskId":"udisk-1")";

detach_params parse(const std::string& extra, const std::string& region = "cn-wlcb") {
    return parse_detach_params("{" + base + (extra.empty() ? "" : "," + extra) + "}", region);
}

// The failure's field and message, for a params object given whole.
invalid_parameter refused_whole(const std::string& json, const std::string& region = "cn-wlcb") {
    try {
        parse_detach_params(json, region);
    } catch (const invalid_parameter& e) {
        return e;
    }
    FAIL("accepted: " << json);
    throw;  // unreachable
}

invalid_parameter refused(const std::string& extra) {
    return refused_whole("{" + base + "," + extra + "}");
}

}  // namespace

TEST_CASE("compshare_disk params: defaults", "[params]") {
    const auto p = parse("");
    CHECK(p.region == "cn-wlcb");  // from the config
    CHECK(p.zone.empty());
    CHECK(p.uhost_id == "uhost-1");
    CHECK(p.udisk_id == "udisk-1");
    CHECK(p.device.empty());
    CHECK(p.project_id.empty());
    CHECK(p.wait);
    CHECK(p.wait_timeout_seconds == 300);
    CHECK(p.poll_interval_seconds == 3);
    CHECK_FALSE(p.dry_run);
    CHECK(p.precheck);
    CHECK_FALSE(p.client_token.has_value());
}

TEST_CASE("compshare_disk params: every field given", "[params]") {
    const auto p =
        parse(R"("Region":"cn-sh2","Zone":"cn-sh2-02","Device":"/dev/vdb","ProjectId":"org-abc",)"
              R"("Wait":false,"WaitTimeoutSeconds":12.5,"PollIntervalSeconds":0.25,"DryRun":true,)"
              R"("Precheck":false,"ClientToken":"run-42/activity-7 ✓")");
    CHECK(p.region == "cn-sh2");
    CHECK(p.zone == "cn-sh2-02");
    CHECK(p.device == "/dev/vdb");
    CHECK(p.project_id == "org-abc");
    CHECK_FALSE(p.wait);
    CHECK(p.wait_timeout_seconds == 12.5);
    CHECK(p.poll_interval_seconds == 0.25);
    CHECK(p.dry_run);
    CHECK_FALSE(p.precheck);
    CHECK(p.client_token == std::string("run-42/activity-7 ✓"));
}

TEST_CASE("compshare_disk params: not a JSON object", "[params]") {
    CHECK(refused_whole("").field().empty());
    CHECK_THAT(refused_whole("{").what(), Catch::Contains("not valid JSON"));
    CHECK_THAT(refused_whole("[1]").what(), Catch::Contains("must be a JSON object"));
    CHECK(refused_whole("\"x\"").field().empty());  // Poco refuses a top-level scalar outright
    CHECK_THAT(refused_whole(std::string("{\"UHostId\":\"u\0\"}", 16)).what(),
               Catch::Contains("NUL"));
    CHECK_THAT(refused_whole("{\"Zone\":[[[[[[[[[[1]]]]]]]]]]}").what(),
               Catch::Contains("not valid JSON"));  // nesting beyond the parser's depth limit
}

TEST_CASE("compshare_disk params: size limit before parsing", "[params]") {
    // Not even valid JSON: refused on size alone, so nothing is parsed.
    const std::string huge(compshare::detach::max_params_bytes + 1, '[');
    CHECK_THAT(refused_whole(huge).what(), Catch::Contains("too large"));
    // Just under the limit, padded with whitespace: accepted.
    std::string padded = "{" + base + "}";
    padded += std::string(compshare::detach::max_params_bytes - padded.size(), ' ');
    CHECK(parse_detach_params(padded, "cn-wlcb").uhost_id == "uhost-1");
}

TEST_CASE("compshare_disk params: required ids", "[params]") {
    auto e = refused_whole(R"({"UDiskId":"udisk-1"})");
    CHECK(e.field() == "UHostId");
    CHECK_THAT(e.what(), Catch::Contains("UHostId is required"));
    e = refused_whole(R"({"UHostId":"uhost-1"})");
    CHECK(e.field() == "UDiskId");
    e = refused_whole("{" + base + "}", "");
    CHECK(e.field() == "Region");
    CHECK_THAT(e.what(), Catch::Contains("Region is required"));
    // Without a config region but with require_region false (credentials missing): accepted.
    CHECK(parse_detach_params("{" + base + "}", "", false).region.empty());
}

TEST_CASE("compshare_disk params: unknown keys", "[params]") {
    const auto e = refused(R"("Zones":"cn-wlcb-01")");
    CHECK(e.field() == "Zones");
    CHECK_THAT(e.what(), Catch::Contains("unknown parameter \"Zones\""));
    CHECK_THAT(e.what(), Catch::Contains("allowed: Region"));
    CHECK(refused(R"("uhostid":"x")").field() == "uhostid");  // names are case-sensitive
    const std::string long_key(500, 'k');
    const std::string message = refused("\"" + long_key + "\":1").what();
    CHECK(message.size() < 400);  // the key is cut short in the message
}

TEST_CASE("compshare_disk params: credential-like keys are refused without their values",
          "[params]") {
    const std::string secret = "SECRET-CANARY-5f1d";
    for (const char* key :
         {"PublicKey", "PrivateKey", "public_key", "private_key", "Signature", "AccessKey",
          "SecretKey", "Password", "password", "secret", "Token", "access_key_id", "api-key",
          "SshLoginCommand", "COMPSHARE_PRIVATE_KEY"}) {
        INFO(key);
        const auto e = refused("\"" + std::string(key) + "\":\"" + secret + "\"");
        CHECK(e.field() == key);
        CHECK_THAT(e.what(), Catch::Contains("looks like a credential"));
        CHECK_THAT(e.what(), !Catch::Contains(secret));
    }
    // ClientToken holds "token" but is an ordinary parameter.
    CHECK(parse(R"("ClientToken":"t")").client_token == std::string("t"));
}

TEST_CASE("compshare_disk params: no parameter an action knows looks like a credential",
          "[params]") {
    // The reader checks unknown keys only for credentials: a known key must never be one.
    for (const char* key : {"Region", "Zone", "UHostId", "UDiskId", "Device", "ProjectId",
                            "DataDiskType", "EnableCrossPodAttach"}) {
        INFO(key);
        CHECK_FALSE(compshare::detach::is_credential_like_key(key));
    }
    for (const auto key : compshare::detach::run_control_keys) {
        INFO(key);
        CHECK_FALSE(compshare::detach::is_credential_like_key(key));
    }
}

TEST_CASE("compshare_disk params: wrong types name the field", "[params]") {
    struct item {
        const char* json;
        const char* field;
        const char* says;
    };
    for (const auto& c : {item{R"("Region":5)", "Region", "must be a string"},
                          item{R"("Zone":null)", "Zone", "must be a string"},
                          item{R"("Device":["/dev/vdb"])", "Device", "must be a string"},
                          item{R"("ProjectId":{})", "ProjectId", "must be a string"},
                          item{R"("Wait":"true")", "Wait", "must be a boolean"},
                          item{R"("DryRun":1)", "DryRun", "must be a boolean"},
                          item{R"("Precheck":null)", "Precheck", "must be a boolean"},
                          item{R"("WaitTimeoutSeconds":"30")", "WaitTimeoutSeconds", "number"},
                          item{R"("PollIntervalSeconds":true)", "PollIntervalSeconds", "number"},
                          item{R"("ClientToken":7)", "ClientToken", "must be a string"}}) {
        INFO(c.json);
        const auto e = refused(c.json);
        CHECK(e.field() == c.field);
        CHECK_THAT(e.what(), Catch::Contains(c.field) && Catch::Contains(c.says));
    }
    auto e = refused_whole(R"({"UHostId":1,"UDiskId":"udisk-1"})");
    CHECK(e.field() == "UHostId");
}

TEST_CASE("compshare_disk params: ranges", "[params]") {
    for (const char* bad : {R"("WaitTimeoutSeconds":0)", R"("WaitTimeoutSeconds":0.05)",
                            R"("WaitTimeoutSeconds":3600.5)", R"("WaitTimeoutSeconds":-1)"}) {
        INFO(bad);
        const auto e = refused(bad);
        CHECK(e.field() == "WaitTimeoutSeconds");
    }
    refused(R"("WaitTimeoutSeconds":1e400)");  // out of double range: refused either way
    CHECK_THAT(refused(R"("WaitTimeoutSeconds":0)").what(),
               Catch::Contains("between 0.1 and 3600"));
    for (const char* bad : {R"("PollIntervalSeconds":0)", R"("PollIntervalSeconds":60.01)",
                            R"("PollIntervalSeconds":-3)"}) {
        INFO(bad);
        CHECK(refused(bad).field() == "PollIntervalSeconds");
    }
    CHECK(parse(R"("WaitTimeoutSeconds":0.1,"PollIntervalSeconds":60)").poll_interval_seconds ==
          60);
    CHECK(parse(R"("WaitTimeoutSeconds":3600,"PollIntervalSeconds":0.1)").wait_timeout_seconds ==
          3600);
}

TEST_CASE("compshare_disk params: id shape", "[params]") {
    for (const char* field : {"Region", "Zone", "UHostId", "UDiskId", "ProjectId"}) {
        for (const std::string& bad :
             {std::string(""), std::string("uhost 1"), std::string(" uhost-1"),
              std::string("uhost-1\\n"), std::string("uhost\\u0001"), std::string("uhost\\t1"),
              std::string(65, 'a'), std::string("uhøst"), std::string("uhost/1"),
              std::string("uhost\\\"1")}) {
            INFO(field << " = " << bad);
            std::string json = "{" + base + ",\"" + field + "\":\"" + bad + "\"}";
            if (std::string(field) == "UHostId") {
                json = R"({"UDiskId":"udisk-1","UHostId":")" + bad + "\"}";
            } else if (std::string(field) == "UDiskId") {
                json = R"({"UHostId":"uhost-1","UDiskId":")" + bad + "\"}";
            }
            const auto e = refused_whole(json);
            CHECK(e.field() == field);
            CHECK_THAT(e.what(), Catch::StartsWith(field));
        }
    }
    CHECK(parse_detach_params(R"({"UHostId":"uhost-1","UDiskId":"bsd-emu_2.x:y"})", "cn-wlcb")
              .udisk_id == "bsd-emu_2.x:y");
    CHECK(parse("\"Zone\":\"" + std::string(64, 'z') + "\"").zone.size() == 64);
}

TEST_CASE("compshare_disk params: a name given twice is refused, not decided by its last value",
          "[params]") {
    const auto e = refused_whole(R"({"UHostId":"uhost-1","UDiskId":"d","DryRun":true,)"
                                 R"("Wait":false,"Dry\u0052un":false})");
    CHECK_THAT(e.what(), Catch::Contains(R"(duplicate member name "DryRun")"));
}

TEST_CASE("compshare_disk params: Device", "[params]") {
    CHECK(parse(R"("Device":"/dev/vdb")").device == "/dev/vdb");
    CHECK(parse(R"("Device":"/dev/disk/by-id/virtio-1")").device == "/dev/disk/by-id/virtio-1");
    for (const char* bad : {"vdb", "/dev/", "/dev", "/tmp/vdb", "/dev/../etc/passwd", "/dev/vd b",
                            "/dev/vdb\\n", "dev/vdb", ""}) {
        INFO(bad);
        const auto e = refused(std::string("\"Device\":\"") + bad + "\"");
        CHECK(e.field() == "Device");
        CHECK_THAT(e.what(), Catch::Contains("/dev/"));
    }
    const auto e = refused("\"Device\":\"/dev/" + std::string(60, 'x') + "\"");
    CHECK_THAT(e.what(), Catch::Contains("too long"));
}

TEST_CASE("compshare_disk params: Device is required without the precheck", "[params]") {
    const auto e = refused(R"("Precheck":false)");
    CHECK(e.field() == "Device");
    CHECK_THAT(e.what(), Catch::Contains("Precheck is false"));
    CHECK(parse(R"("Precheck":false,"Device":"/dev/vdb")").device == "/dev/vdb");
    CHECK(parse(R"("Precheck":false,"DryRun":true)").dry_run);  // a dry run always reads
}

TEST_CASE("compshare_disk params: ClientToken", "[params]") {
    CHECK(parse("\"ClientToken\":\"\"").client_token == std::string());
    CHECK(parse("\"ClientToken\":\"" + std::string(256, 't') + "\"").client_token->size() == 256);
    // 256 characters of two bytes each: still within the limit (it counts characters).
    std::string wide;
    for (int i = 0; i < 256; ++i)
        wide += "é";
    CHECK(parse("\"ClientToken\":\"" + wide + "\"").client_token == wide);
    CHECK(refused("\"ClientToken\":\"" + std::string(257, 't') + "\"").field() == "ClientToken");
    CHECK_THAT(refused(R"("ClientToken":"a\nb")").what(), Catch::Contains("control"));
    CHECK_THAT(refused(R"("ClientToken":"a\u007fb")").what(), Catch::Contains("control"));
}

TEST_CASE("compshare_disk params: key errors come in name order, credentials first", "[params]") {
    // Given out of order: the first credential-like key by name wins over every unknown key.
    auto e = refused(R"("Zzz":1,"SecretKey":"s","Aaa":2,"PrivateKey":"p")");
    CHECK(e.field() == "PrivateKey");
    CHECK_THAT(e.what(), Catch::Contains("looks like a credential"));
    // Without one, the first unknown key by name, before any field's own check.
    e = refused(R"("Zzz":1,"WaitTimeoutSeconds":0,"Bbb":2,"Aab":3)");
    CHECK(e.field() == "Aab");
    CHECK_THAT(e.what(), Catch::Contains("unknown parameter \"Aab\""));
}

TEST_CASE("compshare_disk params: only the document's own members are parameters", "[params]") {
    // Known names inside a nested value neither set nor hide a parameter.
    auto e = refused_whole(R"({"UDiskId":"udisk-1","Device":{"UHostId":"uhost-1"}})");
    CHECK(e.field() == "UHostId");
    e = refused(R"("ProjectId":[{"Password":"x"}])");
    CHECK(e.field() == "ProjectId");
    CHECK_THAT(e.what(), Catch::Contains("must be a string"));
    // A top-level array of objects is not an object, whatever its elements name.
    CHECK_THAT(refused_whole(R"([{"PublicKey":"k"}])").what(),
               Catch::Contains("must be a JSON object"));
    // A syntax error after a wrong value is still reported as the document's error.
    CHECK_THAT(refused_whole(R"({"UHostId":1,"UDiskId":"udisk-1",})").what(),
               Catch::Contains("not valid JSON"));
}

TEST_CASE("compshare_disk params: ids and devices are ASCII, whatever the locale", "[params]") {
    // Every byte above 0x7F is refused, as in a single-byte locale std::isalnum would not.
    std::string letters_and_digits;
    for (int c = 0; c < 256; ++c) {
        if (compshare::detach::is_ascii_alnum(static_cast<char>(c)))
            letters_and_digits += static_cast<char>(c);
    }
    CHECK(letters_and_digits == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    CHECK_FALSE(compshare::detach::is_valid_id("udisk-\xe9"));
    CHECK_FALSE(compshare::detach::is_valid_device("/dev/vd\xe9"));
    CHECK(compshare::detach::is_valid_device("/dev/vdb1"));
}
