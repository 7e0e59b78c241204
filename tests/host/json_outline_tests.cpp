#include "host_error.hpp"
#include "json_outline.hpp"

#include <catch2/catch.hpp>

using namespace actionhost::core;
using kind = json_outline::kind;

namespace {

json_outline outline(const std::string& text, int depth) {
    return outline_json_object(text, depth, "doc", "InvalidConfig");
}

std::string error_of(const std::string& text) {
    try {
        outline(text, 2);
    } catch (const host_error& e) {
        CHECK(e.type() == "InvalidConfig");
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("host json_outline: values down to the depth asked for", "[host][json_outline]") {
    const auto doc = outline(R"({"s": "x", "n": 1, "b": true, "z": null,
        "o": {"a": {"deep": [1, {"x": 2}]}, "t": "y"}, "l": [[3], "e"]})",
                             2);
    REQUIRE(doc.type == kind::object);
    REQUIRE(doc.children.size() == 6);
    CHECK(doc.children[0].name == "s");  // document order
    CHECK(doc.find("s")->text == "x");
    CHECK(doc.find("n")->type == kind::number);
    CHECK(doc.find("b")->boolean);
    CHECK(doc.find("z")->type == kind::null);
    CHECK(doc.find("missing") == nullptr);
    const json_outline& o = *doc.find("o");
    REQUIRE(o.children.size() == 2);
    CHECK(o.find("a")->type == kind::object);
    CHECK(o.find("a")->children.empty());  // depth 2: its kind only
    CHECK(o.find("t")->text == "y");       // read on after the container skipped
    const json_outline& l = *doc.find("l");
    REQUIRE(l.children.size() == 2);
    CHECK(l.children[0].type == kind::array);
    CHECK(l.children[0].name.empty());
    CHECK(l.children[1].text == "e");
    CHECK(l.find("e") == nullptr);  // an array has no members
}

TEST_CASE("host json_outline: parse_json_object's errors", "[host][json_outline]") {
    CHECK_THAT(error_of("{\"a\": [1,, 2]}"), Catch::Contains("doc: invalid JSON at line 1"));
    // The values not kept are checked all the same.
    CHECK_THAT(error_of(R"({"a": {"b": {"c": 1, "c": 2}}})"),
               Catch::Contains("duplicate member name \"c\""));
    CHECK(error_of("[1]") == "doc: must be a JSON object, not an array");
    CHECK(error_of("\"x\"") == "doc: must be a JSON object, not a string");
}
