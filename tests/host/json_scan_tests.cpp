// find_string_member: one top-level string member read from a valid object's text without a
// parse, as the batch summary reads each result's "status"; checked against the parser.
#include "json_scan.hpp"

#include <actionhost/json/reader.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using actionhost::core::find_string_member;
using actionhost::core::string_member;
using kind = string_member::kind;

namespace {

// What the parser says: the member's string value, or nullopt.
std::optional<std::string> parsed(const std::string& text, const std::string& name) {
    const auto object = actionhost::json::as_object(actionhost::json::parse(text));
    if (object->has(name) && object->get(name).isString())
        return object->getValue<std::string>(name);
    return std::nullopt;
}

}  // namespace

TEST_CASE("host find_string_member agrees with the parser on top-level strings", "[host][json]") {
    const std::string documents[] = {
        R"({"ok":true,"status":"detached"})",
        R"( { "status" : "a b" , "ok" : true } )",
        // The name nested deeper, or inside strings, is not the top-level member.
        R"({"resource":{"status":"inner"},"note":"\"status\":\"fake\"","status":"outer"})",
        R"({"list":[{"status":"x"},"]}",[["status"]]],"n":-1.5e3,"t":true,"z":null,"status":"s"})",
        R"({"status":{"nested":"object"}})",
        R"({"status":17})",
        R"({"status":null,"other":"x"})",
        R"({"other":"status","x":{"status":"deep"}})",
        R"({})",
        R"({"status":""})",
    };
    for (const std::string& text : documents) {
        CAPTURE(text);
        const string_member member = find_string_member(text, "status");
        REQUIRE(member.found != kind::needs_parse);
        const auto expected = parsed(text, "status");
        CHECK((member.found == kind::plain) == expected.has_value());
        if (expected)
            CHECK(std::string(member.value) == *expected);
    }
}

TEST_CASE("host find_string_member leaves escapes to the parser", "[host][json]") {
    // A value with an escape, and a name whose escape spells "status".
    CHECK(find_string_member(R"({"status":"a\"b"})", "status").found == kind::needs_parse);
    CHECK(find_string_member(R"({"st\u0061tus":"x"})", "status").found == kind::needs_parse);
    // An escape in another member's value before it does not matter.
    const auto member = find_string_member(R"({"m":"a\\\"}","status":"ok"})", "status");
    CHECK(member.found == kind::plain);
    CHECK(member.value == "ok");
    // Not an object at all.
    CHECK(find_string_member(R"(["status","x"])", "status").found == kind::needs_parse);
}
