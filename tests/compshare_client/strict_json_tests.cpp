// Every JSON document the client reads goes through the one strict reader: a member named twice
// in the instance config or the compshare-cli profile file is refused (never decided by its
// last value), and the message names the member and the place, never a value.
#include "client/settings.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using compshare::resolve_settings;
using compshare::settings_error;

namespace {

std::string error_of(std::string_view config, const std::string& xdg_config_home) {
    const auto env = [&](const char* name) -> std::optional<std::string> {
        if (std::string(name) == "XDG_CONFIG_HOME")
            return xdg_config_home;
        return std::nullopt;
    };
    try {
        resolve_settings(config, env);
    } catch (const settings_error& e) {
        return e.what();
    }
    FAIL("accepted: " << config);
    return "";
}

}  // namespace

TEST_CASE("compshare_client strict JSON: a config member given twice",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    const auto message = error_of(R"({"public_key":"P","private_key":"SECRET-1",)"
                                  R"("private_key":"SECRET-2"})",
                                  dir.path());
    CHECK_THAT(message, Catch::Contains("the instance config is not valid JSON"));
    CHECK_THAT(message, Catch::Contains(R"(duplicate member name "private_key")"));
    CHECK_THAT(message, !Catch::Contains("SECRET"));
}

TEST_CASE("compshare_client strict JSON: a profile member given twice",
          "[compshare_client][settings]") {
    test_support::temp_dir dir;
    dir.write("compshare/config.json", R"({"profiles":{"default":{"public_key":"P",)"
                                       R"("private_key":"SECRET-1","private_key":"SECRET-2"}}})");
    const auto message = error_of("{}", dir.path());
    CHECK_THAT(message, Catch::Contains("compshare/config.json"));
    CHECK_THAT(message, Catch::Contains(R"(duplicate member name "private_key")"));
    CHECK_THAT(message, !Catch::Contains("SECRET"));
}
