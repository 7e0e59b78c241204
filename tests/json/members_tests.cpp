// json::read_members: a flat object's members without a DOM, with every check of parse().
#include <actionhost/json/members.hpp>

#include <catch2/catch.hpp>

using actionhost::json::member;
using actionhost::json::read_members;

TEST_CASE("json members: scalars kept, nested values by kind, sorted by name", "[json]") {
    const auto object = read_members(
        R"({"s":"a\u00e9","n":-7,"b":true,"z":null,"o":{"x":[1]},"a":[{"y":2}],"u":18446744073709551615})");
    REQUIRE(object.is_object);
    REQUIRE(object.members.size() == 7);
    CHECK(object.members.front().name == "a");
    CHECK(object.find("a")->type == member::kind::array);
    CHECK(object.find("o")->type == member::kind::object);
    CHECK(object.find("s")->text == "a\xc3\xa9");
    CHECK(object.find("n")->number.integer == -7);
    CHECK(object.find("b")->boolean);
    CHECK(object.find("z")->type == member::kind::null);
    CHECK(object.find("u")->number.type == actionhost::json::number::kind::unsigned_integer);
    CHECK(object.find("x") == nullptr);  // nested members are not the document's
}

TEST_CASE("json members: a document that is not an object has no members", "[json]") {
    for (const char* text : {"[1,true,null,\"s\",{\"a\":1},[2]]", "[]", "\"s\"", "5", "null"}) {
        INFO(text);
        const auto value = read_members(text);
        CHECK_FALSE(value.is_object);
        CHECK(value.members.empty());
    }
}

TEST_CASE("json members: refused as parse() refuses", "[json]") {
    CHECK_THROWS_AS(read_members(R"({"a":1,"\u0061":2})"), actionhost::json::parse_error);
    CHECK_THROWS_AS(read_members(R"({"a":[[[1]]]})", {false, 3}), actionhost::json::parse_error);
}
