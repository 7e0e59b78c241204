// json_writer: member names checked when compiled (json_key) give the same JSON as names that
// are scanned, and a json_key made at run time still refuses a name that would need escaping.
// (That a constexpr json_key of such a name does not compile: tests/plugins/json_key_compile.cpp.)
#include <actionhost/json_writer.hpp>

#include <catch2/catch.hpp>

#include <limits>
#include <stdexcept>
#include <string>

using actionhost::json_key;
using actionhost::json_writer;

namespace {
constexpr json_key ok_key{"ok"};
constexpr json_key printable_key{"a b~!#$%&'()*+,-./:;<=>?@[]^_`{|}"};
}  // namespace

TEST_CASE("json writer: a json_key is written as the same member as a scanned name", "[json]") {
    json_writer checked;
    checked.begin_object().member(ok_key, true).key(printable_key).begin_array().end_array();
    checked.member(ok_key, std::string("x\"y")).end_object();
    json_writer scanned;
    scanned.begin_object().member("ok", true).key(printable_key.name()).begin_array().end_array();
    scanned.member("ok", std::string("x\"y")).end_object();
    CHECK(checked.str() == scanned.str());
    CHECK(checked.str() == R"({"ok":true,"a b~!#$%&'()*+,-./:;<=>?@[]^_`{|}":[],"ok":"x\"y"})");
    static_assert(ok_key.name() == "ok");
    static_assert(ok_key.member_start() == "\"ok\":");
}

TEST_CASE("json writer: a json_key made at run time refuses a name that needs escaping", "[json]") {
    CHECK(json_key("plain").name() == "plain");
    CHECK_THROWS_AS(json_key("quote\""), std::logic_error);
    CHECK_THROWS_AS(json_key("back\\slash"), std::logic_error);
    CHECK_THROWS_AS(json_key("new\nline"), std::logic_error);
    CHECK_THROWS_AS(json_key("del\x7f"), std::logic_error);
    CHECK_THROWS_AS(json_key("caf\xc3\xa9"), std::logic_error);  // valid UTF-8, but not ASCII
    const char not_a_literal[2] = {'a', 'b'};                    // no terminating NUL
    CHECK_THROWS_AS(json_key(not_a_literal), std::logic_error);
}

TEST_CASE("json writer: integers of every width, extremes included", "[json]") {
    json_writer w;
    w.begin_array().value(0).value(-1).value(std::numeric_limits<int>::min());
    w.value(std::numeric_limits<long long>::min()).value(std::numeric_limits<long long>::max());
    w.value(std::numeric_limits<unsigned long long>::max()).value(42u).value(7ul).end_array();
    CHECK(w.str() ==
          "[0,-1,-2147483648,-9223372036854775808,9223372036854775807,18446744073709551615,42,7]");
}
