#include "api_version.hpp"

#include <actionhost/plugin_api.h>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using namespace actionhost::core;

TEST_CASE("host api version: parsing is strict", "[host][api_version]") {
    const auto v = api_version::parse("1.22.333");
    REQUIRE(v);
    CHECK(v->major == 1);
    CHECK(v->minor == 22);
    CHECK(v->patch == 333);
    CHECK(v->str() == "1.22.333");
    for (const char* bad :
         {"", "1", "1.0", "1.0.0.0", "1.0.x", "v1.0.0", "1.0.0 ", " 1.0.0", "-1.0.0", "1..0",
          "1.0.", "99999999999.0.0", "4294967296.0.0", "01.0.0", "1.00.0", "1.0.0-rc1", "+1.0.0"}) {
        INFO(bad);
        CHECK_FALSE(api_version::parse(bad));
    }
    CHECK_FALSE(api_version::parse(std::string_view("1.0.0\0", 6)));  // the NUL is not the end
    const auto largest = api_version::parse("4294967295.0.10");
    REQUIRE(largest);
    CHECK(largest->major == 4294967295u);
    CHECK(largest->patch == 10);
}

TEST_CASE("host api version: the compatibility rule", "[host][api_version]") {
    struct row {
        const char* plugin;
        const char* host;
        const char* verdict;  // "" accepted, otherwise a phrase the message must contain
    };
    const row rows[] = {
        {"1.0.0", "1.0.0", ""},
        {"1.0.0", "1.3.0", ""},  // older minor plugin: fine
        {"1.2.5", "1.3.0", ""},  // patch irrelevant across minors
        {"1.3.1", "1.3.2", ""},
        {"1.3.2", "1.3.2", ""},
        {"1.3.3", "1.3.2", "the host is too old"},    // equal minors: host patch must be >=
        {"1.4.0", "1.3.9", "the host is too old"},    // newer minor
        {"2.0.0", "1.9.9", "the host is too old"},    // newer major
        {"0.9.0", "1.0.0", "the plugin is too old"},  // older major
        {"1.0", "1.0.0", "not MAJOR.MINOR.PATCH"},
        {"(null)", "1.0.0", "not MAJOR.MINOR.PATCH"},
        {"1.0.0-rc1", "1.0.0", "not MAJOR.MINOR.PATCH"},
    };
    for (const auto& r : rows) {
        INFO(r.plugin << " on host " << r.host);
        const std::string message = check_api_version(r.plugin, *api_version::parse(r.host));
        if (*r.verdict == '\0') {
            CHECK(message.empty());
        } else {
            CHECK_THAT(message, Catch::Contains(r.verdict));
            CHECK_THAT(message, Catch::Contains(r.plugin));  // both versions are named
            CHECK_THAT(message, Catch::Contains(r.host));
        }
    }
}

TEST_CASE("host api version: the host's version is the header's", "[host][api_version]") {
    CHECK(host_api_version().str() == AH_PLUGIN_API_VERSION);
}

TEST_CASE("host api version: the header's rule for this host", "[host][api_version]") {
    // Header-only additions keep the version: plugins built for 1.0.0 keep loading.
    CHECK(ah_plugin_api_version_compatible("1.0.0"));
    CHECK(ah_plugin_api_version_compatible(AH_PLUGIN_API_VERSION));
    CHECK_FALSE(ah_plugin_api_version_compatible(nullptr));
    CHECK_FALSE(ah_plugin_api_version_compatible(""));
    CHECK_FALSE(ah_plugin_api_version_compatible("2.0.0"));
    CHECK_FALSE(ah_plugin_api_version_compatible("0.9.0"));
    const auto host = host_api_version();
    const std::string newer_patch = std::to_string(host.major) + "." + std::to_string(host.minor) +
                                    "." + std::to_string(host.patch + 1);
    const std::string newer_minor =
        std::to_string(host.major) + "." + std::to_string(host.minor + 1) + ".0";
    CHECK_FALSE(ah_plugin_api_version_compatible(newer_patch.c_str()));
    CHECK_FALSE(ah_plugin_api_version_compatible(newer_minor.c_str()));
    CHECK(ah_plugin_api_version_check("1.0.0", 1, 0, 0) == AH_API_VERSION_ACCEPTED);
    CHECK(ah_plugin_api_version_check("1.0", 1, 0, 0) == AH_API_VERSION_MALFORMED);
    CHECK(ah_plugin_api_version_check("1.1.0", 1, 0, 9) == AH_API_VERSION_HOST_TOO_OLD);
    CHECK(ah_plugin_api_version_check("1.0.1", 1, 0, 0) == AH_API_VERSION_HOST_TOO_OLD);
    CHECK(ah_plugin_api_version_check("1.0.9", 1, 1, 0) == AH_API_VERSION_ACCEPTED);
    CHECK(ah_plugin_api_version_check("0.9.0", 1, 0, 0) == AH_API_VERSION_PLUGIN_TOO_OLD);
    CHECK(ah_plugin_api_version_check("2.0.0", 1, 9, 9) == AH_API_VERSION_HOST_TOO_OLD);
}
