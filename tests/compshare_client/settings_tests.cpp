// resolve_settings(): precedence per field, the compshare-cli profile file, validation, and the
// CredentialsMissing message. The environment is injected; files live in a temporary folder.
#include "client/settings.hpp"

#include "client/expand_user.hpp"

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

using compshare::client_settings;
using compshare::resolve_settings;
using compshare::settings_error;

namespace {

using env_map = std::map<std::string, std::string>;

compshare::env_lookup env_of(env_map values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end())
            return std::nullopt;
        return it->second;
    };
}

// The error's type and message, or fails the test when nothing was thrown.
settings_error error_of(std::string_view config, const env_map& env) {
    try {
        resolve_settings(config, env_of(env));
    } catch (const settings_error& e) {
        return e;
    }
    FAIL("resolve_settings did not throw");
    return settings_error("", "");
}

const std::string keys_config = R"({"public_key":"PUB-CONFIG","private_key":"PRIV-CONFIG"})";

}  // namespace

TEST_CASE("compshare_client settings defaults with keys from config",
          "[compshare_client][settings]") {
    const auto s = resolve_settings(keys_config, env_of({}));
    CHECK(s.public_key == "PUB-CONFIG");
    CHECK(s.private_key == "PRIV-CONFIG");
    CHECK(s.base_url == "https://api.compshare.cn");
    CHECK(s.region.empty());
    CHECK(s.project_id.empty());
    CHECK(s.ca_file.empty());
    CHECK(s.timeout == std::chrono::seconds(30));
    CHECK(s.max_retries == 3);
    CHECK(s.credentials_source == "config");
    CHECK(s.user_agent.find("actionhost") != std::string::npos);
}

TEST_CASE("compshare_client settings all config keys", "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const auto ca = dir.write("ca.pem", "not checked here");
    const auto s = resolve_settings(
        R"({"public_key":"P","private_key":"S","base_url":"http://127.0.0.1:8080/api",
            "region":"cn-wlcb","project_id":"org-1","timeout_seconds":2.5,"max_retries":0,
            "ca_file":")" +
            ca + R"("})",
        env_of({}));
    CHECK(s.base_url == "http://127.0.0.1:8080/api");
    CHECK(s.region == "cn-wlcb");
    CHECK(s.project_id == "org-1");
    CHECK(s.timeout == std::chrono::milliseconds(2500));
    CHECK(s.max_retries == 0);
    CHECK(s.ca_file == ca);
}

TEST_CASE("compshare_client settings precedence per field: config, env, profile",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write(
        "compshare/config.json",
        R"({"current_profile":"default","profiles":{"default":{"public_key":"PUB-FILE","private_key":"PRIV-FILE"}}})");
    env_map env{{"XDG_CONFIG_HOME", dir.path()},
                {"COMPSHARE_PRIVATE_KEY", "PRIV-ENV"},
                {"COMPSHARE_BASE_URL", "http://localhost:1234"},
                {"COMPSHARE_REGION", "cn-env"}};

    SECTION("config wins over env and file") {
        const auto s = resolve_settings(keys_config + "", env_of(env));
        CHECK(s.public_key == "PUB-CONFIG");
        CHECK(s.private_key == "PRIV-CONFIG");
        CHECK(s.credentials_source == "config");
    }
    SECTION("env wins over the file, field by field") {
        const auto s = resolve_settings("{}", env_of(env));
        CHECK(s.public_key == "PUB-FILE");
        CHECK(s.private_key == "PRIV-ENV");
        CHECK(s.base_url == "http://localhost:1234");
        CHECK(s.region == "cn-env");
        CHECK(s.credentials_source.find("public_key from profile 'default' of " +
                                        dir.path().string() + "/compshare/config.json") !=
              std::string::npos);
        CHECK(s.credentials_source.find("private_key from environment") != std::string::npos);
    }
    SECTION("config base_url and region win over env") {
        const auto s = resolve_settings(R"({"base_url":"https://example.com","region":"cn-cfg"})",
                                        env_of(env));
        CHECK(s.base_url == "https://example.com");
        CHECK(s.region == "cn-cfg");
    }
    SECTION("an empty env variable counts as unset") {
        env["COMPSHARE_PRIVATE_KEY"] = "";
        env["COMPSHARE_BASE_URL"] = "";
        env["COMPSHARE_REGION"] = "";
        const auto s = resolve_settings("{}", env_of(env));
        CHECK(s.private_key == "PRIV-FILE");
        CHECK(s.base_url == "https://api.compshare.cn");
        CHECK(s.region.empty());
        CHECK(s.credentials_source ==
              "profile 'default' of " + dir.path().string() + "/compshare/config.json");
    }
    SECTION("an empty config string counts as unset") {
        const auto s = resolve_settings(R"({"public_key":"","region":""})", env_of(env));
        CHECK(s.public_key == "PUB-FILE");
        CHECK(s.region == "cn-env");
    }
}

TEST_CASE("compshare_client settings keys from env only", "[compshare_client][settings]") {
    const auto s = resolve_settings(
        "", env_of({{"COMPSHARE_PUBLIC_KEY", "PUB-ENV"}, {"COMPSHARE_PRIVATE_KEY", "PRIV-ENV"}}));
    CHECK(s.public_key == "PUB-ENV");
    CHECK(s.private_key == "PRIV-ENV");
    CHECK(s.credentials_source == "environment");
}

TEST_CASE("compshare_client settings profile file via HOME when XDG_CONFIG_HOME is unset",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write(".config/compshare/config.json",
              R"({"profiles":{"default":{"public_key":"PUB-HOME","private_key":"PRIV-HOME"}}})");
    const auto s = resolve_settings("{}", env_of({{"HOME", dir.path()}, {"XDG_CONFIG_HOME", ""}}));
    CHECK(s.public_key == "PUB-HOME");
    CHECK(s.private_key == "PRIV-HOME");
    CHECK(s.credentials_source ==
          "profile 'default' of " + dir.path().string() + "/.config/compshare/config.json");
}

TEST_CASE("compshare_client settings XDG_CONFIG_HOME wins over HOME",
          "[compshare_client][settings]") {
    test_support::temp_dir home, xdg;
    home.write(".config/compshare/config.json",
               R"({"profiles":{"default":{"public_key":"PUB-HOME","private_key":"PRIV-HOME"}}})");
    xdg.write("compshare/config.json",
              R"({"profiles":{"default":{"public_key":"PUB-XDG","private_key":"PRIV-XDG"}}})");
    const auto s =
        resolve_settings("{}", env_of({{"HOME", home.path()}, {"XDG_CONFIG_HOME", xdg.path()}}));
    CHECK(s.public_key == "PUB-XDG");
}

TEST_CASE("compshare_client settings profile selection", "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write("compshare/config.json", R"({"current_profile":"work","profiles":{
        "default":{"public_key":"PUB-DEFAULT","private_key":"PRIV-DEFAULT"},
        "work":{"public_key":"PUB-WORK","private_key":"PRIV-WORK"},
        "prod":{"public_key":"PUB-PROD","private_key":"PRIV-PROD"},
        "ci":{"public_key":"PUB-CI","private_key":"PRIV-CI"}}})");
    env_map env{{"XDG_CONFIG_HOME", dir.path()}};

    SECTION("current_profile") {
        CHECK(resolve_settings("{}", env_of(env)).public_key == "PUB-WORK");
    }
    SECTION("env COMPSHARE_PROFILE over current_profile") {
        env["COMPSHARE_PROFILE"] = "prod";
        const auto s = resolve_settings("{}", env_of(env));
        CHECK(s.public_key == "PUB-PROD");
        CHECK(s.credentials_source.find("profile 'prod'") != std::string::npos);
    }
    SECTION("config profile over env COMPSHARE_PROFILE") {
        env["COMPSHARE_PROFILE"] = "prod";
        CHECK(resolve_settings(R"({"profile":"ci"})", env_of(env)).public_key == "PUB-CI");
    }
    SECTION("\"default\" when the file names no current profile") {
        test_support::temp_dir other;
        other.write("compshare/config.json",
                    R"({"profiles":{"default":{"public_key":"PUB-D","private_key":"PRIV-D"}}})");
        CHECK(resolve_settings("{}", env_of({{"XDG_CONFIG_HOME", other.path()}})).public_key ==
              "PUB-D");
    }
}

TEST_CASE("compshare_client settings config_file from config and env",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const auto file =
        dir.write("elsewhere.json",
                  R"({"profiles":{"default":{"public_key":"PUB-F","private_key":"PRIV-F"}}})");
    CHECK(resolve_settings(R"({"config_file":")" + file + "\"}", env_of({})).public_key == "PUB-F");
    CHECK(resolve_settings("{}", env_of({{"COMPSHARE_CONFIG_FILE", file}})).public_key == "PUB-F");
}

TEST_CASE("compshare_client settings config_file expands a leading ~ as compshare-cli does",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write("cfg/compshare.json",
              R"({"profiles":{"default":{"public_key":"PUB-T","private_key":"PRIV-T"}}})");
    const env_map home{{"HOME", dir.path().string()}};
    SECTION("from the environment") {
        auto env = home;
        env["COMPSHARE_CONFIG_FILE"] = "~/cfg/compshare.json";
        const auto s = resolve_settings("{}", env_of(env));
        CHECK(s.public_key == "PUB-T");
        CHECK_THAT(s.credentials_source,
                   Catch::Contains(dir.path().string() + "/cfg/compshare.json"));
    }
    SECTION("from the config") {
        CHECK(resolve_settings(R"({"config_file":"~/cfg/compshare.json"})", env_of(home))
                  .public_key == "PUB-T");
    }
    SECTION("a home with a trailing slash gives no double slash") {
        const auto s = resolve_settings(R"({"config_file":"~/cfg/compshare.json"})",
                                        env_of({{"HOME", dir.path().string() + "/"}}));
        CHECK_THAT(s.credentials_source, !Catch::Contains("//"));
    }
    SECTION("a missing file is named by its expanded path") {
        auto e = error_of(R"({"config_file":"~/cfg/none.json"})", home);
        CHECK(e.type() == "CredentialsMissing");
        CHECK_THAT(e.what(), Catch::Contains(dir.path().string() + "/cfg/none.json"));
    }
    SECTION("only a leading ~ is expanded") {
        auto e = error_of(R"({"config_file":"cfg/~/x.json"})", home);
        CHECK_THAT(e.what(), Catch::Contains("cfg/~/x.json"));
    }
}

TEST_CASE("compshare_client expand_user", "[compshare_client][settings]") {
    using compshare::expand_user;
    const auto home = env_of({{"HOME", "/home/someone"}});
    CHECK(expand_user("~", home) == "/home/someone");
    CHECK(expand_user("~/a/b.json", home) == "/home/someone/a/b.json");
    CHECK(expand_user("/abs/~/x", home) == "/abs/~/x");
    CHECK(expand_user("rel.json", home) == "rel.json");
    CHECK(expand_user("", home).empty());
    // root's entry exists on every system: ~root is its home directory.
    CHECK(expand_user("~root/x", home).rfind("/", 0) == 0);
    CHECK_THAT(expand_user("~root/x", home), !Catch::StartsWith("~"));
    // A user that does not exist: unchanged, as Python does.
    CHECK(expand_user("~no-such-user-4711/x", home) == "~no-such-user-4711/x");
    // No HOME: the password database's entry of the current user.
    CHECK_THAT(expand_user("~/x", env_of({})), !Catch::StartsWith("~") && Catch::EndsWith("/x"));
}

TEST_CASE("compshare_client settings named config file that does not exist",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const auto missing = dir.path().string() + "/nope.json";
    auto e = error_of(R"({"config_file":")" + missing + "\"}", {});
    CHECK(e.type() == "CredentialsMissing");
    CHECK_THAT(e.what(), Catch::Contains(missing) && Catch::Contains("config config_file"));
    e = error_of("{}", {{"COMPSHARE_CONFIG_FILE", missing}});
    CHECK_THAT(e.what(), Catch::Contains(missing) && Catch::Contains("COMPSHARE_CONFIG_FILE"));
}

TEST_CASE("compshare_client settings named profile that does not exist",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write("compshare/config.json",
              R"({"profiles":{"default":{"public_key":"PUB-D","private_key":"PRIV-D"}}})");
    auto e = error_of(R"({"profile":"staging"})", {{"XDG_CONFIG_HOME", dir.path()}});
    CHECK(e.type() == "CredentialsMissing");
    CHECK_THAT(e.what(), Catch::Contains("'staging'") && Catch::Contains(dir.path()));
    e = error_of("{}", {{"XDG_CONFIG_HOME", dir.path()}, {"COMPSHARE_PROFILE", "staging"}});
    CHECK_THAT(e.what(), Catch::Contains("'staging'") && Catch::Contains("COMPSHARE_PROFILE"));
    // Named, with no file at all.
    test_support::temp_dir empty;
    e = error_of(R"({"profile":"staging"})", {{"XDG_CONFIG_HOME", empty.path()}});
    CHECK(e.type() == "CredentialsMissing");
    CHECK_THAT(e.what(), Catch::Contains("'staging'") && Catch::Contains("does not exist"));
}

TEST_CASE("compshare_client settings malformed profile file", "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const std::string secretish = "PRIV-SECRET-IN-BROKEN-FILE";
    const char* bodies[] = {
        "{not json PRIV-SECRET-IN-BROKEN-FILE",
        "[1,2]",
        R"({"profiles":"PRIV-SECRET-IN-BROKEN-FILE"})",
        R"({"profiles":{"default":"PRIV-SECRET-IN-BROKEN-FILE"}})",
        R"({"profiles":{"default":{"public_key":1,"private_key":"PRIV-SECRET-IN-BROKEN-FILE"}}})",
        R"({"current_profile":7})",
    };
    for (const char* body : bodies) {
        const auto file = dir.write("compshare/config.json", body);
        const auto e = error_of("{}", {{"XDG_CONFIG_HOME", dir.path()}});
        INFO(body);
        CHECK(e.type() == "InvalidParameter");
        CHECK_THAT(e.what(), Catch::Contains(file) && Catch::Contains("malformed"));
        CHECK_THAT(e.what(), !Catch::Contains(secretish));
    }
}

TEST_CASE("compshare_client settings CredentialsMissing names every place looked at",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    SECTION("no file") {
        const auto e = error_of("{}", {{"XDG_CONFIG_HOME", dir.path()}});
        CHECK(e.type() == "CredentialsMissing");
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains("config public_key/private_key"));
        CHECK_THAT(m, Catch::Contains("env COMPSHARE_PUBLIC_KEY/COMPSHARE_PRIVATE_KEY"));
        CHECK_THAT(m, Catch::Contains("profile 'default' in " + dir.path().string() +
                                      "/compshare/config.json (file not found)"));
    }
    SECTION("file without the profile") {
        dir.write("compshare/config.json", R"({"current_profile":"x","profiles":{}})");
        const auto e = error_of("{}", {{"XDG_CONFIG_HOME", dir.path()}});
        CHECK(e.type() == "CredentialsMissing");
        CHECK_THAT(e.what(),
                   Catch::Contains("profile 'x'") && Catch::Contains("no profile 'x' in it"));
    }
    SECTION("only a private key somewhere") {
        dir.write("compshare/config.json",
                  R"({"profiles":{"default":{"private_key":"PRIV-ONLY"}}})");
        const auto e = error_of("{}", {{"XDG_CONFIG_HOME", dir.path()}});
        CHECK(e.type() == "CredentialsMissing");
        CHECK_THAT(e.what(),
                   Catch::Contains("public key") && Catch::Contains("profile has no public_key"));
        CHECK_THAT(e.what(), !Catch::Contains("PRIV-ONLY"));
    }
    SECTION("neither XDG_CONFIG_HOME nor HOME") {
        const auto e = error_of(R"({"public_key":"P"})", {});
        CHECK(e.type() == "CredentialsMissing");
        CHECK_THAT(e.what(), Catch::Contains("private key") &&
                                 Catch::Contains("neither XDG_CONFIG_HOME nor HOME"));
    }
}

TEST_CASE("compshare_client settings unknown, mistyped and bad config values",
          "[compshare_client][settings]") {
    struct bad {
        const char* config;
        const char* names;
    };
    const bad cases[] = {
        {R"({"public_key":"P","private_key":"S","secret_key":"LEAKED-VALUE"})", "secret_key"},
        {R"({"public_key":12345,"private_key":"S"})", "public_key"},
        {R"({"public_key":"P","private_key":["LEAKED-VALUE"]})", "private_key"},
        {R"({"public_key":"P","private_key":"LEAKED VALUE"})", "private_key"},
        {R"({"public_key":"P","private_key":"S","timeout_seconds":"30"})", "timeout_seconds"},
        {R"({"public_key":"P","private_key":"S","timeout_seconds":0})", "timeout_seconds"},
        {R"({"public_key":"P","private_key":"S","timeout_seconds":-1})", "timeout_seconds"},
        {R"({"public_key":"P","private_key":"S","timeout_seconds":86400})", "timeout_seconds"},
        {R"({"public_key":"P","private_key":"S","max_retries":1.5})", "max_retries"},
        {R"({"public_key":"P","private_key":"S","max_retries":11})", "max_retries"},
        {R"({"public_key":"P","private_key":"S","max_retries":-1})", "max_retries"},
        {R"({"public_key":"P","private_key":"S","max_retries":true})", "max_retries"},
        {R"({"public_key":"P","private_key":"S","region":null})", "region"},
        {R"({"public_key":"P","private_key":"S","base_url":"ftp://example.com"})", "base_url"},
        {R"({"public_key":"P","private_key":"S","base_url":"not a url"})", "base_url"},
        {R"({"public_key":"P","private_key":"S","base_url":"https://LEAKED:VALUE@example.com"})",
         "base_url"},
    };
    for (const auto& c : cases) {
        INFO(c.config);
        const auto e = error_of(c.config, {});
        CHECK(e.type() == "InvalidParameter");
        CHECK_THAT(e.what(), Catch::Contains(c.names));
        CHECK_THAT(e.what(), !Catch::Contains("LEAKED"));
    }
    CHECK(error_of("[1]", {}).type() == "InvalidParameter");
    CHECK(error_of("{\"public_key\":", {}).type() == "InvalidParameter");
    CHECK_THAT(error_of("{\"public_key\": \"LEAKED", {}).what(), !Catch::Contains("LEAKED"));
}

TEST_CASE("compshare_client settings bad environment values", "[compshare_client][settings]") {
    auto e = error_of(keys_config, {{"COMPSHARE_BASE_URL", "http://10.0.0.1"}});
    CHECK(e.type() == "InvalidParameter");
    e = error_of("{}", {{"COMPSHARE_PUBLIC_KEY", "P"}, {"COMPSHARE_PRIVATE_KEY", "LEAKED\nVALUE"}});
    CHECK(e.type() == "InvalidParameter");
    CHECK_THAT(e.what(), Catch::Contains("COMPSHARE_PRIVATE_KEY") && !Catch::Contains("LEAKED"));
}

TEST_CASE("compshare_client settings plain http only to loopback", "[compshare_client][settings]") {
    const char* refused[] = {"http://api.compshare.cn",      "http://10.0.0.1:8080",
                             "http://192.168.1.1",           "http://[2001:db8::1]/",
                             "http://localhost.example.com", "http://128.0.0.1"};
    for (const char* url : refused) {
        INFO(url);
        const auto e = error_of(
            R"({"public_key":"P","private_key":"S","base_url":")" + std::string(url) + "\"}", {});
        CHECK(e.type() == "InvalidParameter");
        CHECK_THAT(e.what(), Catch::Contains("base_url") && Catch::Contains("loopback"));
    }
    const char* accepted[] = {"http://127.0.0.1:8080",  "http://127.1.2.3/",
                              "http://localhost:9",     "http://LOCALHOST",
                              "http://[::1]:8080/",     "https://api.compshare.cn",
                              "https://10.0.0.1:8443/", "https://example.com/path?x=1"};
    for (const char* url : accepted) {
        INFO(url);
        CHECK(resolve_settings(
                  R"({"public_key":"P","private_key":"S","base_url":")" + std::string(url) + "\"}",
                  env_of({}))
                  .base_url == url);
    }
}

TEST_CASE("compshare_client settings ca_file that does not exist", "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const auto missing = dir.path().string() + "/missing-ca.pem";
    auto e = error_of(R"({"public_key":"P","private_key":"S","ca_file":")" + missing + "\"}", {});
    CHECK(e.type() == "InvalidParameter");
    CHECK_THAT(e.what(), Catch::Contains("ca_file") && Catch::Contains(missing));
    e = error_of(keys_config, {{"COMPSHARE_CA_FILE", dir.path()}});  // a directory
    CHECK(e.type() == "InvalidParameter");
    CHECK_THAT(e.what(), Catch::Contains("COMPSHARE_CA_FILE"));
}

TEST_CASE("compshare_client settings process_environment reads the real environment",
          "[compshare_client][settings]") {
    const auto env = compshare::process_environment();
    CHECK(env("PATH").has_value());
    CHECK_FALSE(env("COMPSHARE_CLIENT_TEST_SURELY_UNSET_VARIABLE").has_value());
}

TEST_CASE("compshare_client settings profile file that is a folder or too large",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const auto folder = dir.path().string() + "/folder.json";
    std::filesystem::create_directories(folder);
    auto e = error_of(R"({"config_file":")" + folder + "\"}", {});
    CHECK(e.type() == "InvalidParameter");
    CHECK_THAT(e.what(), Catch::Contains(folder) && Catch::Contains("not a regular file"));

    const auto big = dir.write("big.json", std::string(2 << 20, ' '));
    e = error_of("{}", {{"COMPSHARE_CONFIG_FILE", big}});
    CHECK(e.type() == "InvalidParameter");
    CHECK_THAT(e.what(), Catch::Contains(big) && Catch::Contains("larger than 1 MiB"));
}

TEST_CASE("compshare_client settings keys from a profile are checked too",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write("compshare/config.json",
              R"({"profiles":{"default":{"public_key":"P","private_key":"LEAKED\nKEY"}}})");
    const auto e = error_of("{}", {{"XDG_CONFIG_HOME", dir.path()}});
    CHECK(e.type() == "InvalidParameter");
    CHECK_THAT(e.what(), Catch::Contains("private key") && !Catch::Contains("LEAKED"));
}

TEST_CASE("compshare_client settings base_url shapes that are refused",
          "[compshare_client][settings]") {
    const char* refused[] = {"https://example.com/#frag",
                             "https://example.com:0/",
                             "https://exa mple.com/",
                             "https://example.com/\\t",
                             "https:///path",
                             "",
                             "http://"};
    for (const char* url : refused) {
        INFO(url);
        if (std::string(url).empty())
            continue;  // "" = unset: the default is used
        const auto e = error_of(
            R"({"public_key":"P","private_key":"S","base_url":")" + std::string(url) + "\"}", {});
        CHECK(e.type() == "InvalidParameter");
        CHECK_THAT(e.what(), Catch::Contains("base_url"));
    }
}
