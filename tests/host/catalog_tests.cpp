#include "host_error.hpp"
#include "plugin_catalog.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace actionhost::core;
using test_support::manifest_json;
using test_support::temp_dir;
using test_support::write_file;
namespace fs = std::filesystem;

TEST_CASE("host catalog: search path order is --plugin-path, env, default", "[host][catalog]") {
    const auto dirs = plugin_search_path({"/a:/b", "/c"}, "/d::/e:", fs::path("/default"));
    const std::vector<fs::path> expected{"/a", "/b", "/c", "/d", "/e", "/default"};
    CHECK(dirs == expected);
    CHECK(plugin_search_path({}, nullptr, std::nullopt).empty());
    CHECK(plugin_search_path({}, "", fs::path("/x")) == std::vector<fs::path>{"/x"});
    // A folder named twice is searched once, at its first place.
    CHECK(plugin_search_path({"/a:/b"}, "/b:/a/", fs::path("/a")) ==
          std::vector<fs::path>{"/a", "/b"});
}

TEST_CASE("host catalog: relative folders become absolute", "[host][catalog]") {
    const auto dirs = plugin_search_path({"rel/dir"}, nullptr, std::nullopt);
    REQUIRE(dirs.size() == 1);
    CHECK(dirs[0].is_absolute());
    CHECK(dirs[0] == (fs::current_path() / "rel/dir").lexically_normal());
}

TEST_CASE("host catalog: the default folder is next to the executable", "[host][catalog]") {
    const auto dir = default_plugin_dir();
    REQUIRE(dir);
    CHECK(dir->is_absolute());
    // host_tests is not in bin/, but the rule is the same: <exe dir>/<relative plugin dir>.
    CHECK(dir->string().find("actionhost/plugins") != std::string::npos);
}

TEST_CASE("host catalog: the first manifest of a name wins", "[host][catalog]") {
    temp_dir first, second;
    write_file(first / "p.json", manifest_json("p", "first.so"));
    write_file(second / "p.json", manifest_json("p", "second.so"));
    write_file(second / "q.json", manifest_json("q"));
    write_file(second / "notes.txt", "not a manifest");
    const auto catalog = plugin_catalog::scan({first.path(), second.path()});
    REQUIRE(catalog.plugins().size() == 2);
    CHECK(catalog.require("p").library == first / "first.so");
    CHECK(catalog.require("q").file == second / "q.json");
    REQUIRE(catalog.shadowed().size() == 1);
    CHECK_THAT(catalog.shadowed()[0].message, Catch::Contains((second / "p.json").string()));
    CHECK_THAT(catalog.shadowed()[0].message,
               Catch::Contains("shadowed by " + (first / "p.json").string()));
    CHECK(catalog.problems().empty());
}

TEST_CASE("host catalog: files in a folder are read in name order", "[host][catalog]") {
    temp_dir dir;
    write_file(dir / "b.json", manifest_json("same", "b.so"));
    write_file(dir / "a.json", manifest_json("same", "a.so"));
    const auto catalog = plugin_catalog::scan({dir.path()});
    CHECK(catalog.require("same").library == dir / "a.so");
}

TEST_CASE("host catalog: a bad manifest is a problem, not fatal", "[host][catalog]") {
    temp_dir dir;
    write_file(dir / "bad.json", "{ nope");
    write_file(dir / "good.json", manifest_json("good"));
    const auto catalog = plugin_catalog::scan({dir.path(), dir / "missing-folder"});
    CHECK(catalog.find("good") != nullptr);
    REQUIRE(catalog.problems().size() == 1);  // the missing folder is simply empty
    CHECK_THAT(catalog.problems()[0].message, Catch::Contains((dir / "bad.json").string()));
}

TEST_CASE("host catalog: an unknown plugin names the folders searched", "[host][catalog]") {
    temp_dir dir;
    write_file(dir / "bad.json", "[]");
    const auto catalog = plugin_catalog::scan({dir.path(), "/nowhere"});
    try {
        catalog.require("ghost");
        FAIL("no error");
    } catch (const host_error& e) {
        CHECK(e.type() == "PluginNotFound");
        CHECK(e.exit_code() == 8);
        CHECK_THAT(e.what(), Catch::Contains("\"ghost\""));
        CHECK_THAT(e.what(), Catch::Contains(dir.path().string() + ":/nowhere"));
        CHECK_THAT(e.what(), Catch::Contains("could not be read"));
    }
}

TEST_CASE("host catalog: the test plugin folder holds test-echo", "[host][catalog]") {
    const auto catalog = plugin_catalog::scan({test_support::echo_dir});
    const manifest& m = catalog.require("test-echo");
    CHECK(m.find_action("block") != nullptr);
    CHECK(catalog.problems().empty());
}
