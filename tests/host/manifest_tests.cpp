#include "host_error.hpp"
#include "manifest.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace actionhost::core;
using test_support::manifest_json;
using test_support::temp_dir;
using test_support::write_file;

namespace {

// The message of the host_error that parsing `text` throws ("" when it does not throw).
std::string parse_error(const std::string& text, const std::string& file = "/m/p.json") {
    try {
        parse_manifest(text, file);
    } catch (const host_error& e) {
        CHECK(e.type() == "PluginLoadFailed");
        CHECK(e.exit_code() == 8);
        return e.what();
    }
    return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("host manifest: a valid manifest parses", "[host][manifest]") {
    const manifest m = parse_manifest(manifest_json("my-plugin_2", "libmy.so"), "/opt/p/my.json");
    CHECK(m.name == "my-plugin_2");
    CHECK(m.version == "1.0.0");
    CHECK(m.api_version == "1.0.0");
    CHECK(m.library == std::filesystem::path("/opt/p/libmy.so"));  // relative to the manifest
    REQUIRE(m.actions.size() == 1);
    CHECK(m.actions[0].name == "noop");
    CHECK(m.find_action("noop") != nullptr);
    CHECK(m.find_action("nope") == nullptr);
    CHECK(manifest_schemas(m).config()->has("type"));
    CHECK(manifest_schemas(m).params(m.actions[0])->has("type"));
}

TEST_CASE("host manifest: an absolute library path stays absolute", "[host][manifest]") {
    const manifest m = parse_manifest(manifest_json("p", "/usr/lib/libp.so"), "/opt/p/p.json");
    CHECK(m.library == std::filesystem::path("/usr/lib/libp.so"));
}

TEST_CASE("host manifest: errors name the file and the field", "[host][manifest]") {
    const std::string good = manifest_json("p");
    struct row {
        std::string text;
        std::string expected;
    };
    const row rows[] = {
        {"{", "invalid JSON at line 1"},
        {"[1]", "must be a JSON object"},
        {replace(good, R"("name": "p", )", ""), R"(field "name" is missing)"},
        {replace(good, R"("name": "p")", R"("name": 7)"), R"(field "name" must be a string)"},
        {replace(good, R"("name": "p")", R"("name": "Bad.Name")"),
         R"(field "name" is "Bad.Name"; it must match)"},
        {replace(good, R"("name": "p")", R"("name": "-p")"), R"(field "name" is "-p")"},
        {replace(good, R"("version": "1.0.0", )", ""), R"(field "version" is missing)"},
        {replace(good, R"("api_version": "1.0.0")", R"("api_version": 1)"),
         R"(field "api_version" must be a string)"},
        {replace(good, R"("description": "d")", R"("description": null)"),
         R"(field "description" must be a string)"},
        {replace(good, R"("library": "libx.so")", R"("library": "")"),
         R"(field "library" must not be empty)"},
        {replace(good, R"("config_schema": {"type": "object"})", R"("config_schema": true)"),
         R"(field "config_schema" must be a JSON object)"},
        {replace(good, R"("actions": [)", R"("actions": 1, "x": [)"),
         R"(field "actions" must be an array)"},
        {replace(good, R"("errors": {"NoopFailed")", R"("x": {"NoopFailed")"),
         R"(field "errors" is missing)"},
        {replace(good, R"("errors": {"NoopFailed": {)", R"("errors": {"noopFailed": {)"),
         R"(field "errors.noopFailed" is not an error type name)"},
        {replace(good, R"("errors": {"NoopFailed": {)", R"("errors": {"Noop-Failed": {)"),
         R"(field "errors.Noop-Failed" is not an error type name)"},
        {replace(good, R"("errors": {"NoopFailed": {"class": "remote", )",
                 R"("errors": {)"
                 R"("NoopFailed": {)"),
         R"(field "errors.NoopFailed.class" is missing)"},
        {replace(good, R"("class": "remote")", R"("class": "fatal")"),
         R"(field "errors.NoopFailed.class" is "fatal"; it must be one of usage, credentials, )"
         R"(precondition, remote, transient, timeout, cancelled, internal)"},
        {replace(good, R"("retryable": false)", R"("retryable": "no")"),
         R"(field "errors.NoopFailed.retryable" must be true or false)"},
        {replace(good, R"(, "description": "e")", ""),
         R"(field "errors.NoopFailed.description" is missing)"},
        {replace(good,
                 R"("errors": {"NoopFailed": {"class": "remote", "retryable": false, )"
                 R"("description": "e"}})",
                 R"("errors": {})"),
         R"(field "errors" must declare at least one error type)"},
        {replace(good, R"("errors": {"NoopFailed")", R"("errors": [], "y": {"NoopFailed")"),
         R"(field "errors" must be a JSON object)"},
        {R"({"name": "p", "version": "1", "api_version": "1.0.0", "description": "d",
             "library": "l", "config_schema": {}, "errors": {"E": {"class": "usage",
             "retryable": false, "description": "e"}}, "actions": []})",
         R"(field "actions" must list at least one action)"},
        {replace(good, R"("name": "noop")", R"("name": 3)"),
         R"(field "actions[0].name" must be a string)"},
        {replace(good, R"("name": "noop")", R"("name": "a.b")"),
         R"(field "actions[0].name" is "a.b")"},
        {replace(good, R"("description": "n", )", ""),
         R"(field "actions[0].description" is missing)"},
        {replace(good, R"("params_schema": {"type": "object"})", R"("params_schema": [])"),
         R"(field "actions[0].params_schema" must be a JSON object)"},
        {replace(good, R"("result_schema": {)", R"("x": {)"),
         R"(field "actions[0].result_schema" is missing)"},
    };
    for (const auto& r : rows) {
        INFO(r.text);
        const std::string message = parse_error(r.text);
        CHECK_THAT(message, Catch::Contains("manifest /m/p.json"));
        CHECK_THAT(message, Catch::Contains(r.expected));
    }
}

TEST_CASE("host manifest: declared errors are parsed", "[host][manifest]") {
    const manifest m = parse_manifest(manifest_json("p"), "/m/p.json");
    REQUIRE(m.errors.size() == 1);
    const error_decl* e = m.find_error("NoopFailed");
    REQUIRE(e != nullptr);
    CHECK(e->kind == error_class::remote);
    CHECK_FALSE(e->retryable);
    CHECK(e->description == "e");
    CHECK(m.find_error("Other") == nullptr);
    CHECK(error_declaration_problems(m).empty());
}

TEST_CASE("host manifest: declared errors must agree with the result schemas", "[host][manifest]") {
    const std::string good = manifest_json("p");
    const auto problems = [](const std::string& text) {
        std::string joined;
        for (const auto& p : error_declaration_problems(parse_manifest(text, "/m/p.json")))
            joined += p + "\n";
        return joined;
    };
    CHECK_THAT(problems(replace(good, R"({"enum": ["NoopFailed"]})",
                                R"({"enum": ["NoopFailed", "Other"]})")),
               Catch::Contains(R"(action "noop" can return error.type "Other", which "errors" )"
                               R"(does not declare)"));
    CHECK_THAT(problems(replace(good, R"({"enum": ["NoopFailed"]})", R"({"enum": []})")),
               Catch::Contains(R"("errors" declares "NoopFailed", which no action's result )"
                               R"(schema lists)"));
    CHECK_THAT(problems(replace(good, R"({"enum": ["NoopFailed"]})", R"({"type": "string"})")),
               Catch::Contains(R"(the result schema of action "noop" does not list its error )"
                               R"(types)"));
}

TEST_CASE("host manifest: duplicate action names are refused", "[host][manifest]") {
    const std::string text = R"({"name": "p", "version": "1", "api_version": "1.0.0",
        "description": "d", "library": "l", "config_schema": {}, "errors": {"E": {"class":
        "usage", "retryable": false, "description": "e"}}, "actions": [
        {"name": "a", "description": "", "params_schema": {}, "result_schema": {}},
        {"name": "a", "description": "", "params_schema": {}, "result_schema": {}}]})";
    CHECK_THAT(parse_error(text),
               Catch::Contains(R"(field "actions[1].name" repeats the action "a")"));
}

TEST_CASE("host manifest: invalid JSON says where", "[host][manifest]") {
    const std::string message = parse_error("{\n  \"name\": \"p\",\n  \"version\": x\n}");
    CHECK_THAT(message, Catch::Contains("line 3, column 14"));
}

TEST_CASE("host manifest: file errors", "[host][manifest]") {
    temp_dir dir;
    SECTION("missing file") {
        try {
            load_manifest(dir / "missing.json");
            FAIL("no error");
        } catch (const host_error& e) {
            CHECK_THAT(e.what(), Catch::Contains((dir / "missing.json").string()));
            CHECK_THAT(e.what(), Catch::Contains("cannot be read"));
        }
    }
    SECTION("oversized file") {
        write_file(dir / "big.json", std::string(max_manifest_bytes + 1, ' '));
        try {
            load_manifest(dir / "big.json");
            FAIL("no error");
        } catch (const host_error& e) {
            CHECK_THAT(e.what(), Catch::Contains("larger than"));
        }
    }
    SECTION("a good file") {
        write_file(dir / "p.json", manifest_json("p"));
        CHECK(load_manifest(dir / "p.json").library == dir / "libx.so");
    }
}

TEST_CASE("host manifest: name rule", "[host][manifest]") {
    CHECK(valid_name("a"));
    CHECK(valid_name("compshare-disk"));
    CHECK(valid_name("x_1-2"));
    CHECK(valid_name("9lives"));
    CHECK_FALSE(valid_name(""));
    CHECK_FALSE(valid_name("A"));
    CHECK_FALSE(valid_name("a.b"));
    CHECK_FALSE(valid_name("-a"));
    CHECK_FALSE(valid_name("a b"));
    CHECK_FALSE(valid_name(std::string(65, 'a')));
    CHECK(valid_name(std::string(64, 'a')));
}
