// json_writer: member names checked when compiled (json_key) give the same JSON as names that
// are scanned, and a json_key made at run time still refuses a name that would need escaping.
// (That a constexpr json_key of such a name does not compile: tests/plugins/json_key_compile.cpp.)
#include <actionhost/json_writer.hpp>

#include <catch2/catch.hpp>

#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

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
    static_assert(ok_key.next_member_start() == ",\"ok\":");
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

// append_json_string skips plain bytes four at a time while four are left, then one at a time:
// every special byte or sequence is put at every offset of a plain run (both loops, each lane of
// the four) and must come out as the one-at-a-time rules say.
TEST_CASE("json writer: strings escape the same wherever the special byte falls in a plain run",
          "[json]") {
    const std::pair<std::string, std::string> specials[] = {
        {"\"", "\\\""},
        {"\\", "\\\\"},
        {"\n", "\\n"},
        {"\t", "\\t"},
        {std::string(1, '\0'), "\\u0000"},
        {"\x1b", "\\u001b"},
        {"\x7f", "\\u007f"},
        {"\xc2\x85", "\\u0085"},                   // C1 control
        {"\xc2\xa0", "\xc2\xa0"},                  // valid UTF-8, kept
        {"\xe2\x82\xac", "\xe2\x82\xac"},          // valid UTF-8, kept
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},  // valid UTF-8, kept
        {"\xff", "\xef\xbf\xbd"},                  // invalid byte
        {"\xc3", "\xef\xbf\xbd"},                  // a sequence cut short by a plain byte
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},  // a surrogate
    };
    const std::string plain = "abcdefghij";
    for (const auto& [in, out] : specials) {
        for (std::size_t before = 0; before <= plain.size(); ++before) {
            for (std::size_t after = 0; after <= plain.size(); ++after) {
                const std::string text = plain.substr(0, before) + in + plain.substr(0, after);
                const std::string expected =
                    '"' + plain.substr(0, before) + out + plain.substr(0, after) + '"';
                INFO("before " << before << ", after " << after);
                CHECK(actionhost::json_quote(text) == expected);
            }
        }
    }
}

TEST_CASE("json writer: plain runs of every length, alone and between escapes", "[json]") {
    const std::string printable = " !#$%&'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~";
    for (std::size_t n = 0; n <= printable.size(); ++n) {
        const std::string run = printable.substr(0, n);
        CHECK(actionhost::json_quote(run) == '"' + run + '"');
        CHECK(actionhost::json_quote("\n" + run + "\"" + run + "\xff") ==
              "\"\\n" + run + "\\\"" + run + "\xef\xbf\xbd\"");
    }
}
