// Where the TLS client's trust anchors come from: choose_trust_source() with the system store's
// directory and bundle as inputs (so the fallback is tested without touching the machine's
// store), has_hash_links(), and handshakes against the emulator through each source.
#include "client/api_client.hpp"
#include "client/trust_store.hpp"
#include "temp_dir.hpp"
#include "test_host.hpp"
#include "tls_files.hpp"

#include <compshare_emulator/server.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <optional>

using compshare::choose_trust_source;
using compshare::client_settings;
using compshare::has_hash_links;
using compshare::trust_defaults;
using namespace std::chrono_literals;

namespace {

// A folder with the given (empty) files in it.
std::string folder_with(const test_support::temp_dir& dir, const std::string& name,
                        std::initializer_list<const char*> files) {
    std::filesystem::create_directories(dir / name);
    for (const char* file : files)
        dir.write(name + "/" + file, "");
    return (dir / name).string();
}

}  // namespace

TEST_CASE("has_hash_links finds openssl rehash names only", "[compshare_client][trust]") {
    test_support::temp_dir dir;
    CHECK(has_hash_links(folder_with(dir, "hashed", {"cert.pem", "9d520b3a.0"})));
    CHECK(has_hash_links(folder_with(dir, "second", {"0a1b2c3d.12"})));
    CHECK_FALSE(has_hash_links(folder_with(dir, "empty", {})));
    CHECK_FALSE(has_hash_links((dir / "missing").string()));
    CHECK_FALSE(has_hash_links(""));
    // CRL links, upper case, short or suffixed names, bundles: no anchors by hash.
    CHECK_FALSE(has_hash_links(folder_with(
        dir, "lookalikes",
        {"9d520b3a.r0", "9D520B3A.0", "9d520b3.0", "9d520b3a.", "9d520b3a.0.pem", "ca.crt"})));
    SECTION("a ':'-separated list counts when any of its directories has links") {
        CHECK(has_hash_links((dir / "missing").string() + ":" + (dir / "hashed").string()));
        CHECK(has_hash_links(":" + (dir / "hashed").string() + ":"));
        CHECK_FALSE(has_hash_links((dir / "empty").string() + ":" + (dir / "lookalikes").string()));
    }
}

TEST_CASE("choose_trust_source: ca_file, then SSL_CERT_FILE, then the hashed directory",
          "[compshare_client][trust]") {
    test_support::temp_dir dir;
    const std::string hashed = folder_with(dir, "hashed", {"9d520b3a.0"});
    const std::string plain = folder_with(dir, "plain", {"ca.crt"});
    const trust_defaults system_hashed{hashed, "/system/bundle.pem"};
    const trust_defaults system_plain{plain, "/system/bundle.pem"};
    client_settings s;

    SECTION("the system store through its hashed directory only") {
        const auto t = choose_trust_source(s, system_hashed);
        CHECK(t.directory == hashed);
        CHECK(t.file.empty());
        CHECK_FALSE(t.file_required);
        CHECK(t.origin == "the system store's hashed directory " + hashed);
    }
    SECTION("a system directory without hash links falls back to the bundle") {
        const auto t = choose_trust_source(s, system_plain);
        CHECK(t.file == "/system/bundle.pem");
        CHECK(t.directory.empty());
        CHECK_FALSE(t.file_required);  // as OpenSSL's defaults: a missing bundle trusts nothing
        CHECK(t.origin ==
              "the system store's bundle /system/bundle.pem (" + plain + " has no hash links)");
    }
    SECTION("a missing system directory falls back to the bundle") {
        const auto t = choose_trust_source(s, {(dir / "missing").string(), "/system/bundle.pem"});
        CHECK(t.file == "/system/bundle.pem");
        CHECK(t.directory.empty());
    }
    SECTION("SSL_CERT_DIR replaces the system directory") {
        const std::string mine = folder_with(dir, "mine", {"0a1b2c3d.0"});
        s.ssl_cert_dir = mine;
        const auto t = choose_trust_source(s, system_hashed);
        CHECK(t.directory == mine);
        CHECK(t.file.empty());
        CHECK(t.origin == "SSL_CERT_DIR " + mine);
    }
    SECTION("SSL_CERT_DIR without hash links falls back to the system bundle") {
        s.ssl_cert_dir = plain;
        const auto t = choose_trust_source(s, system_hashed);
        CHECK(t.file == "/system/bundle.pem");
        CHECK(t.directory.empty());
        CHECK(t.origin == "the system store's bundle /system/bundle.pem (SSL_CERT_DIR " + plain +
                              " has no hash links)");
    }
    SECTION("SSL_CERT_FILE is exactly that file: no system directory behind it") {
        s.ssl_cert_file = "/mine/ca.pem";
        const auto t = choose_trust_source(s, system_hashed);
        CHECK(t.file == "/mine/ca.pem");
        CHECK(t.directory.empty());
        CHECK(t.file_required);
        CHECK(t.origin == "SSL_CERT_FILE /mine/ca.pem");
    }
    SECTION("SSL_CERT_FILE and SSL_CERT_DIR together: both, each in OpenSSL's meaning") {
        s.ssl_cert_file = "/mine/ca.pem";
        s.ssl_cert_dir = plain;
        const auto t = choose_trust_source(s, system_hashed);
        CHECK(t.file == "/mine/ca.pem");
        CHECK(t.directory == plain);
        CHECK(t.origin == "SSL_CERT_FILE /mine/ca.pem and SSL_CERT_DIR " + plain);
    }
    SECTION("ca_file replaces everything, the environment's variables included") {
        s.ca_file = "/config/ca.pem";
        s.ssl_cert_file = "/mine/ca.pem";
        s.ssl_cert_dir = hashed;
        const auto t = choose_trust_source(s, system_hashed);
        CHECK(t.file == "/config/ca.pem");
        CHECK(t.directory.empty());
        CHECK(t.file_required);
        CHECK(t.origin == "ca_file /config/ca.pem");
    }
}

TEST_CASE("openssl_trust_defaults names OpenSSL's compiled-in store", "[compshare_client][trust]") {
    const auto d = compshare::openssl_trust_defaults();
    CHECK_THAT(d.directory, Catch::EndsWith("/certs"));
    CHECK_THAT(d.file, Catch::EndsWith("/cert.pem"));
}

namespace {

client_settings settings_for(const std::string& base_url) {
    client_settings s;
    s.public_key = compshare_emulator::default_public_key;
    s.private_key = compshare_emulator::default_private_key;
    s.base_url = base_url;
    s.timeout = 5s;
    s.max_retries = 2;
    return s;
}

const compshare::param_map describe_params{{"Region", "cn-wlcb"},
                                           {"UHostIds.0", "uhost-emu-stopped"}};
const char* const describe = "DescribeCompShareInstance";

std::optional<compshare::api_failure> describe_failure(compshare::api_client& client) {
    try {
        client.call(describe, describe_params, compshare::call_kind::read);
        return std::nullopt;
    } catch (const compshare::api_failure& e) {
        return e;
    }
}

}  // namespace

TEST_CASE("compshare_client handshakes through each trust source",
          "[compshare_client][emulator][tls][trust]") {
    test_support::temp_dir dir;
    const auto good = test_support::make_self_signed(dir, "localhost", {"localhost"});
    const auto other = test_support::make_self_signed(dir, "other", {"other.example"});
    compshare_emulator::options tls;
    tls.tls_cert_file = good.cert;
    tls.tls_key_file = good.key;
    compshare_emulator::server emu(tls);
    test_support::test_host host;
    auto settings = settings_for(emu.base_url());
    // A directory of CA certificates, hashed (as the system's) or not.
    const auto store = [&](const std::string& name, const std::string& cert, bool hashed) {
        std::filesystem::create_directories(dir / name);
        std::filesystem::copy_file(cert, dir / name / "ca.pem");
        if (hashed)
            test_support::rehash((dir / name).string());
        return (dir / name).string();
    };

    SECTION("a hashed directory holding the CA (SSL_CERT_DIR) verifies") {
        settings.ssl_cert_dir = store("hashed-good", good.cert, true);
        compshare::api_client client(settings, host.host());
        CHECK_NOTHROW(client.call(describe, describe_params, compshare::call_kind::read));
        CHECK_NOTHROW(client.call(describe, describe_params, compshare::call_kind::read));
        CHECK(client.stats().connections_opened == 1);
        CHECK(emu.count(describe) == 2);
    }
    SECTION("a hashed directory without the server's CA refuses it, and nothing is sent") {
        settings.ssl_cert_dir = store("hashed-other", other.cert, true);
        compshare::api_client client(settings, host.host());
        const auto failure = describe_failure(client);
        REQUIRE(failure);
        CHECK(failure->reason == "tls");
        CHECK_FALSE(failure->retryable);
        CHECK(failure->attempts == 1);
        CHECK_THAT(failure->what(), Catch::Contains("certificate verify failed"));
        CHECK_THAT(failure->what(),
                   Catch::Contains("(trust anchors: SSL_CERT_DIR " + settings.ssl_cert_dir + ")"));
        CHECK(emu.count(describe) == 0);
    }
    SECTION("the CA in a directory without hash links is not found: the system bundle is used") {
        settings.ssl_cert_dir = store("plain-good", good.cert, false);
        compshare::api_client client(settings, host.host());
        const auto failure = describe_failure(client);
        REQUIRE(failure);
        CHECK(failure->reason == "tls");
        CHECK_THAT(failure->what(),
                   Catch::Contains("(trust anchors: the system store's bundle " +
                                   compshare::openssl_trust_defaults().file + " (SSL_CERT_DIR " +
                                   settings.ssl_cert_dir + " has no hash links))"));
        CHECK(emu.count(describe) == 0);
    }
    SECTION("SSL_CERT_FILE is trusted, and no directory is needed with it") {
        settings.ssl_cert_file = good.cert;
        compshare::api_client client(settings, host.host());
        CHECK_NOTHROW(client.call(describe, describe_params, compshare::call_kind::read));
    }
    SECTION("SSL_CERT_FILE and SSL_CERT_DIR together: the CA in the directory verifies") {
        settings.ssl_cert_file = other.cert;
        settings.ssl_cert_dir = store("hashed-good-2", good.cert, true);
        compshare::api_client client(settings, host.host());
        CHECK_NOTHROW(client.call(describe, describe_params, compshare::call_kind::read));
    }
    SECTION("SSL_CERT_FILE with another CA refuses") {
        settings.ssl_cert_file = other.cert;
        compshare::api_client client(settings, host.host());
        const auto failure = describe_failure(client);
        REQUIRE(failure);
        CHECK(failure->reason == "tls");
        CHECK_THAT(failure->what(),
                   Catch::Contains("(trust anchors: SSL_CERT_FILE " + other.cert + ")"));
        CHECK(emu.count(describe) == 0);
    }
    SECTION("SSL_CERT_FILE that is not a bundle is refused at construction, naming it") {
        settings.ssl_cert_file = dir.write("junk.pem", "not a certificate\n");
        try {
            compshare::api_client client(settings, host.host());
            FAIL("no error");
        } catch (const compshare::settings_error& e) {
            CHECK(e.type() == "InvalidParameter");
            CHECK_THAT(e.what(), Catch::Contains("SSL_CERT_FILE " + settings.ssl_cert_file +
                                                 " cannot be loaded as a PEM CA bundle"));
        }
    }
    SECTION("SSL_CERT_FILE that does not exist is refused at construction") {
        settings.ssl_cert_file = (dir / "missing.pem").string();
        CHECK_THROWS_AS(compshare::api_client(settings, host.host()), compshare::settings_error);
    }
    SECTION("ca_file wins over the environment's SSL_CERT_FILE and SSL_CERT_DIR") {
        settings.ca_file = good.cert;
        settings.ssl_cert_file = other.cert;
        settings.ssl_cert_dir = store("hashed-other-2", other.cert, true);
        compshare::api_client client(settings, host.host());
        CHECK_NOTHROW(client.call(describe, describe_params, compshare::call_kind::read));
    }
}

TEST_CASE("resolve_settings reads SSL_CERT_FILE and SSL_CERT_DIR from the environment",
          "[compshare_client][trust][settings]") {
    const std::string keys = R"({"public_key":"pub","private_key":"priv"})";
    const auto env_of = [](std::map<std::string, std::string> vars) -> compshare::env_lookup {
        return [vars](const char* name) -> std::optional<std::string> {
            const auto it = vars.find(name);
            if (it == vars.end())
                return std::nullopt;
            return it->second;
        };
    };
    auto s = compshare::resolve_settings(
        keys, env_of({{"SSL_CERT_FILE", "/f/ca.pem"}, {"SSL_CERT_DIR", "/d1:/d2"}}));
    CHECK(s.ssl_cert_file == "/f/ca.pem");
    CHECK(s.ssl_cert_dir == "/d1:/d2");
    s = compshare::resolve_settings(keys, env_of({{"SSL_CERT_FILE", ""}}));
    CHECK(s.ssl_cert_file.empty());  // empty counts as unset
    CHECK(s.ssl_cert_dir.empty());
    CHECK_THROWS_AS(compshare::resolve_settings(keys, env_of({{"SSL_CERT_DIR", "/d\n"}})),
                    compshare::settings_error);
}
