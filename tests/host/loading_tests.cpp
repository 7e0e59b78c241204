// Loading the test plugins: test-echo loads; each broken plugin is refused with the right error
// type (so the right exit code) and a message that names the cause.
#include "host_error.hpp"
#include "plugin_catalog.hpp"
#include "plugin_instance.hpp"
#include "plugin_library.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

using namespace actionhost::core;
using test_support::broken_dir;
using test_support::echo_dir;

namespace {

const plugin_catalog& catalog() {
    static const plugin_catalog c = plugin_catalog::scan({echo_dir, broken_dir});
    return c;
}

host_error load_error(const std::string& name) {
    try {
        plugin_library::load(catalog().require(name));
    } catch (const host_error& e) {
        return e;
    }
    FAIL("plugin " << name << " loaded");
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("host loading: test-echo loads and agrees with its manifest", "[host][loading]") {
    const auto library = plugin_library::load(catalog().require("test-echo"));
    CHECK(library->api_version() == "1.0.0");
    const ah_plugin_table& table = library->functions();
    CHECK(table.api_version != nullptr);
    CHECK(table.manifest != nullptr);
    CHECK(table.create != nullptr);
    CHECK(table.destroy != nullptr);
    CHECK(table.invoke != nullptr);
    CHECK(table.last_error != nullptr);
    CHECK(table.cancel != nullptr);
    CHECK(std::string(table.api_version()) == "1.0.0");
    CHECK(library->info().name == "test-echo");
    const auto symbols = exported_symbols(library->info().library);
    for (const char* required : required_symbols) {
        INFO(required);
        CHECK(std::find(symbols.begin(), symbols.end(), required) != symbols.end());
    }
    for (const auto& s : symbols)
        CHECK(s.rfind("ah_plugin_", 0) == 0);  // the version script
}

TEST_CASE("host loading: a plugin for a newer minor is refused, host too old", "[host][loading]") {
    const host_error e = load_error("test-newer-minor");
    CHECK(e.type() == "PluginIncompatible");
    CHECK(e.exit_code() == 8);
    CHECK_THAT(e.what(), Catch::Contains("libtest-newer-minor.so"));
    CHECK_THAT(e.what(), Catch::Contains("\"1.1.0\""));
    CHECK_THAT(e.what(), Catch::Contains("1.0.0"));
    CHECK_THAT(e.what(), Catch::Contains("the host is too old"));
}

TEST_CASE("host loading: a plugin for another major is refused", "[host][loading]") {
    const host_error newer = load_error("test-newer-major");
    CHECK(newer.type() == "PluginIncompatible");
    CHECK_THAT(newer.what(), Catch::Contains("\"2.0.0\""));
    CHECK_THAT(newer.what(), Catch::Contains("the host is too old"));
    const host_error older = load_error("test-older-major");
    CHECK(older.type() == "PluginIncompatible");
    CHECK_THAT(older.what(), Catch::Contains("\"0.9.0\""));
    CHECK_THAT(older.what(), Catch::Contains("the plugin is too old"));
}

TEST_CASE("host loading: a missing export is named", "[host][loading]") {
    const host_error e = load_error("test-no-cancel");
    CHECK(e.type() == "PluginLoadFailed");
    CHECK(e.exit_code() == 8);
    CHECK_THAT(e.what(), Catch::Contains("libtest-no-cancel.so does not export ah_plugin_cancel"));
    const auto symbols = exported_symbols(catalog().require("test-no-cancel").library);
    CHECK(std::find(symbols.begin(), symbols.end(), "ah_plugin_cancel") == symbols.end());
    CHECK(std::find(symbols.begin(), symbols.end(), "ah_plugin_invoke") != symbols.end());
}

TEST_CASE("host loading: an embedded manifest that differs from the file", "[host][loading]") {
    const host_error e = load_error("test-mismatch");
    CHECK(e.type() == "PluginIncompatible");
    CHECK_THAT(e.what(), Catch::Contains("libtest-mismatch.so"));
    CHECK_THAT(e.what(), Catch::Contains("test-mismatch.json"));
    CHECK_THAT(e.what(), Catch::Contains("differs in field(s): description, version"));
}

TEST_CASE("host loading: a manifest naming a missing library", "[host][loading]") {
    const host_error e = load_error("test-no-library");
    CHECK(e.type() == "PluginLoadFailed");
    CHECK_THAT(e.what(), Catch::Contains("libtest-no-library.so"));
    CHECK_THAT(e.what(), Catch::Contains("field \"library\""));
    CHECK_THAT(e.what(), Catch::Contains("does not exist"));
}

TEST_CASE("host loading: a file that is no library carries dlerror's text", "[host][loading]") {
    test_support::temp_dir dir;
    test_support::write_file(dir / "p.json", test_support::manifest_json("p", "libp.so"));
    test_support::write_file(dir / "libp.so", std::string(4096, 'x'));  // long enough for a header
    const auto c = plugin_catalog::scan({dir.path()});
    try {
        plugin_library::load(c.require("p"));
        FAIL("loaded");
    } catch (const host_error& e) {
        CHECK(e.type() == "PluginLoadFailed");
        CHECK_THAT(e.what(), Catch::Contains("cannot load " + (dir / "libp.so").string()));
        CHECK_THAT(e.what(), Catch::Contains("invalid ELF header"));  // from dlerror()
    }
}

TEST_CASE("host loading: the resolved names are the header's list", "[host][loading]") {
    REQUIRE(required_symbols.size() == AH_PLUGIN_SYMBOL_COUNT);
    CHECK(std::string(required_symbols.front()) == "ah_plugin_api_version");  // resolved first
    for (std::size_t index = 0; index < required_symbols.size(); ++index)
        CHECK(std::string(required_symbols[index]) == ah_plugin_symbols[index].name);
}

TEST_CASE("host loading: open() finds the manifest beside the library", "[host][loading]") {
    const auto& m = catalog().require("test-echo");
    const auto library = plugin_library::open(m.library);
    CHECK(library->info().name == "test-echo");
    CHECK(library->info().file == m.file);
    CHECK(library->api_version() == "1.0.0");
    plugin_instance instance(library, R"({"greeting": "by path"})", nullptr);
    CHECK_THAT(instance.invoke("echo", "{}").result_json, Catch::Contains("by path"));
}

TEST_CASE("host loading: open() keeps the host's checks", "[host][loading]") {
    auto open_error = [](const std::filesystem::path& library) {
        try {
            plugin_library::open(library);
        } catch (const host_error& e) {
            return e;
        }
        FAIL("opened " << library);
        throw std::logic_error("unreachable");
    };
    const host_error newer = open_error(catalog().require("test-newer-minor").library);
    CHECK(newer.type() == "PluginIncompatible");
    CHECK_THAT(newer.what(), Catch::Contains("the host is too old"));
    const host_error missing = open_error(catalog().require("test-no-cancel").library);
    CHECK(missing.type() == "PluginLoadFailed");
    CHECK_THAT(missing.what(), Catch::Contains("does not export ah_plugin_cancel"));
    const host_error mismatch = open_error(catalog().require("test-mismatch").library);
    CHECK(mismatch.type() == "PluginIncompatible");
    CHECK_THAT(mismatch.what(), Catch::Contains("differs in field(s)"));

    test_support::temp_dir dir;
    const host_error absent = open_error(dir / "libnone.so");
    CHECK(absent.type() == "PluginLoadFailed");
    CHECK_THAT(absent.what(), Catch::Contains((dir / "libnone.so").string() + " does not exist"));
    // A library without a manifest beside it, next to a manifest naming another library.
    std::filesystem::copy_file(catalog().require("test-echo").library, dir / "libalone.so");
    test_support::write_file(dir / "other.json", test_support::manifest_json("other"));
    const host_error alone = open_error(dir / "libalone.so");
    CHECK(alone.type() == "PluginNotFound");
    CHECK_THAT(alone.what(), Catch::Contains("no manifest in " + dir.path().string() +
                                             " names the library libalone.so"));
}

TEST_CASE("host loading: comparing manifests", "[host][loading]") {
    const manifest& m = catalog().require("test-echo");
    std::ifstream in(m.file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(compare_manifests(text, m).empty());
    CHECK_THAT(compare_manifests("{}", m), Catch::Contains("actions"));
    CHECK_THAT(compare_manifests("not json", m), Catch::Contains("invalid JSON"));
}

TEST_CASE("host loading: a failed create reports the plugin's message", "[host][loading]") {
    const auto library = plugin_library::load(catalog().require("test-echo"));
    try {
        plugin_instance instance(library, R"({"fail_create": true})", nullptr);
        FAIL("created");
    } catch (const host_error& e) {
        CHECK(e.type() == "InstanceCreateFailed");
        CHECK(e.exit_code() == 1);
        CHECK_THAT(e.what(), Catch::Contains("AH_ERROR"));
        CHECK_THAT(e.what(), Catch::Contains("fail_create was set in the config"));
    }
    try {
        plugin_instance instance(library, "[1]", nullptr);
        FAIL("created");
    } catch (const host_error& e) {
        CHECK(e.type() == "InvalidConfig");
        CHECK(e.exit_code() == 2);
        CHECK_THAT(e.what(), Catch::Contains("invalid config"));
    }
}

TEST_CASE("host loading: an instance invokes and outlives its library handle", "[host][loading]") {
    auto library = plugin_library::load(catalog().require("test-echo"));
    plugin_instance instance(library, R"({"greeting": "hi"})", nullptr);
    library.reset();  // the instance keeps the library loaded
    const auto out = instance.invoke("echo", R"({"x": [1, 2]})");
    CHECK(out.status == AH_OK);
    CHECK(out.result_json == R"({"greeting":"hi","ok":true,"params":{"x":[1,2]}})");
    CHECK(out.last_error.empty());
    const auto thrown = instance.invoke("throw", "{}");
    CHECK(thrown.status == AH_ERROR);
    CHECK_THAT(thrown.result_json, Catch::Contains("InternalError"));
    CHECK_THAT(thrown.last_error, Catch::Contains("thrown as asked"));
    const auto unknown = instance.invoke("nope", "{}");
    CHECK(unknown.status == AH_UNKNOWN_ACTION);
}

TEST_CASE("host loading: exported symbols come from .dynsym, even when stripped",
          "[host][loading]") {
    test_support::temp_dir dir;
    const auto copy = dir / "libtest-echo.so";
    std::filesystem::copy_file(catalog().require("test-echo").library, copy);
    const std::string command = "strip --strip-all '" + copy.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    const auto symbols = exported_symbols(copy);
    const std::vector<std::string> expected(required_symbols.begin(), required_symbols.end());
    auto sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    CHECK(symbols == sorted);
}

TEST_CASE("host loading: symbols of a file that is not ELF", "[host][loading]") {
    test_support::temp_dir dir;
    test_support::write_file(dir / "x.so", "#!/bin/sh\n");
    try {
        exported_symbols(dir / "x.so");
        FAIL("no error");
    } catch (const host_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("cannot read the symbols of " +
                                             (dir / "x.so").string() + ": not an ELF file"));
    }
}

TEST_CASE("host loading: a status outside ah_status is the plugin's bug, its result unused",
          "[host][loading]") {
    const auto c = plugin_catalog::scan({test_support::misbehaving_dir});
    plugin_instance instance(plugin_library::load(c.require("test-bad-status")), "{}", nullptr);
    const auto out = instance.invoke("bad_status", "{}");  // 77, with {"ok":true,...}
    CHECK(out.status == AH_ERROR);
    CHECK_THAT(out.result_json,
               Catch::StartsWith(R"({"ok":false,"error":{"type":"InternalError")"));
    CHECK_THAT(out.last_error, Catch::Equals("plugin \"test-bad-status\" returned status 77 (not "
                                             "an ah_status value) for action \"bad_status\"; its "
                                             "result is not used"));
}

TEST_CASE("host loading: a result that is not a JSON object is replaced", "[host][loading]") {
    const auto c = plugin_catalog::scan({test_support::misbehaving_dir});
    plugin_instance instance(plugin_library::load(c.require("test-misbehaving")), "{}", nullptr);
    const auto out = instance.invoke("bad_result", "{}");
    CHECK(out.status == AH_ERROR);
    CHECK_THAT(out.result_json,
               Catch::StartsWith(R"({"ok":false,"error":{"type":"InternalError")"));
    CHECK_THAT(out.last_error,
               Catch::Contains("not a JSON object (invalid JSON at line 1, column 14: a member "
                               "name (a string) expected) with AH_OK"));
}
