#include "api_version.hpp"

#include <actionhost/plugin_api.h>

#include <catch2/catch.hpp>

using namespace actionhost::core;

TEST_CASE("host api version: parsing is strict", "[host][api_version]") {
    const auto v = api_version::parse("1.22.333");
    REQUIRE(v);
    CHECK(v->major == 1);
    CHECK(v->minor == 22);
    CHECK(v->patch == 333);
    CHECK(v->str() == "1.22.333");
    for (const char* bad : {"", "1", "1.0", "1.0.0.0", "1.0.x", "v1.0.0", "1.0.0 ", " 1.0.0",
                            "-1.0.0", "1..0", "1.0.", "99999999999.0.0"}) {
        INFO(bad);
        CHECK_FALSE(api_version::parse(bad));
    }
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
