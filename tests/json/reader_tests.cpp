// The one JSON reader: what it accepts, what it refuses, and where it says the fault is.
#include <actionhost/json/reader.hpp>

#include <Poco/JSON/Array.h>

#include <catch2/catch.hpp>

#include <limits>

using actionhost::json::as_object;
using actionhost::json::kind_of;
using actionhost::json::parse;
using actionhost::json::parse_error;
using actionhost::json::validate;

namespace {

// The error parsing `text` gives, as "line L, column C: reason" ("" when it parses); validate()
// must give exactly the same.
std::string error_of(const std::string& text) {
    std::string parsed;
    std::string validated;
    try {
        parse(text);
    } catch (const parse_error& e) {
        parsed = e.where() + ": " + e.reason();
    }
    try {
        actionhost::json::validate(text);
    } catch (const parse_error& e) {
        validated = e.where() + ": " + e.reason();
    }
    CHECK(validated == parsed);
    return parsed;
}

}  // namespace

TEST_CASE("json reader: values and their types", "[json]") {
    const auto object = as_object(parse(R"( {"s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "t": true,
        "f": false, "n": null, "i": -7, "big": 4294967296, "huge": 18446744073709551615,
        "beyond": 18446744073709551617, "d": 1.5e3, "a": [1, [], {}]} )"));
    REQUIRE(object);
    CHECK(object->getValue<std::string>("s") == "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(object->getValue<bool>("t"));
    CHECK_FALSE(object->getValue<bool>("f"));
    CHECK(object->isNull("n"));
    CHECK(object->get("i").type() == typeid(int));
    CHECK(object->get("big").type() == typeid(Poco::Int64));
    CHECK(object->get("huge").type() == typeid(Poco::UInt64));
    CHECK(object->getValue<Poco::UInt64>("huge") == std::numeric_limits<Poco::UInt64>::max());
    // Never wrapped: beyond 64 bits an integer is a double of about the same value.
    CHECK(object->get("beyond").type() == typeid(double));
    CHECK(object->getValue<double>("beyond") == Approx(1.8446744073709552e19));
    CHECK(object->getValue<double>("d") == 1500.0);
    CHECK(object->getArray("a")->size() == 3);
    CHECK(std::string(kind_of(parse("[]"))) == "an array");
    CHECK(std::string(kind_of(parse("\"x\""))) == "a string");
    CHECK(std::string(kind_of(parse("null"))) == "null");
    CHECK(std::string(kind_of(parse("0"))) == "a number");
    CHECK(as_object(parse("[1]")) == nullptr);
}

TEST_CASE("json reader: objects keep the document's order when asked", "[json]") {
    const auto ordered = as_object(parse(R"({"b":1,"a":2,"c":3})", {true}));
    std::string keys;
    for (const auto& key : ordered->getNames())  // Poco's iterators run in key order
        keys += key;
    CHECK(keys == "bac");
}

TEST_CASE("json reader: refusals say where and why", "[json]") {
    const std::pair<std::string, std::string> table[] = {
        {"", "line 1, column 1: the text ends where a value was expected"},
        {"{\"a\":1,\"a\":2}", "line 1, column 8: duplicate member name \"a\""},
        {"{\"a\":1,\"\\u0061\":2}", "line 1, column 8: duplicate member name \"a\""},
        {"{\"x\":{\"a\":1,\n\"a\":2}}", "line 2, column 1: duplicate member name \"a\""},
        {"{\"a\":\"\xff\"}", "line 1, column 7: invalid UTF-8 (JSON text is UTF-8)"},
        {"{\"a\":\"\\ud800x\"}",
         "line 1, column 7: a lone UTF-16 high surrogate (\\u escape) is not a character"},
        {"\"\\udc00\"",
         "line 1, column 2: a lone UTF-16 low surrogate (\\u escape) is not a "
         "character"},
        {"\"\\x\"", "line 1, column 3: invalid escape in a string"},
        {"\"\\u12g4\"", "line 1, column 6: \\u needs four hex digits"},
        {"\"a\tb\"", "line 1, column 3: a control character inside a string must be escaped"},
        {"\"abc", "line 1, column 5: the text ends inside a string"},
        {"[1,]",
         "line 1, column 4: invalid value (a number, a string, true, false, null, '{' "
         "or '[' expected)"},
        {"[1 2]", "line 1, column 4: ',' or ']' expected"},
        {"{\"a\" 1}", "line 1, column 6: ':' expected"},
        {"{1:2}", "line 1, column 2: a member name (a string) expected"},
        {"{\"a\":1", "line 1, column 7: the text ends where ',' or '}' was expected"},
        {"tru",
         "line 1, column 4: invalid literal (true, false, null, a number, a string, '{' "
         "or '[')"},
        {"01", "line 1, column 2: text after the JSON value"},
        {"1.", "line 1, column 3: a digit expected"},
        {"-",
         "line 1, column 2: invalid value (a number, a string, true, false, null, '{' or "
         "'[' expected)"},
        {"1e999", "line 1, column 1: a number beyond the range of a double"},
        {"{} x", "line 1, column 4: text after the JSON value"},
        {std::string("{\"a\":1}\0", 8), "line 1, column 8: contains a NUL byte"},
        {std::string("\"a\0\"", 4), "line 1, column 3: contains a NUL byte"},
        {"\xEF\xBB\xBF{}",
         "line 1, column 1: starts with a UTF-8 byte-order mark (EF BB BF), "
         "which JSON text must not have: save it as UTF-8 without a BOM"},
        {std::string(300, '[') + std::string(300, ']'),
         "line 1, column 129: nested deeper than 128 levels"},
    };
    for (const auto& [text, expected] : table) {
        INFO(text);
        CHECK(error_of(text) == expected);
    }
    CHECK(error_of(std::string(128, '[') + std::string(128, ']')).empty());
}

TEST_CASE("json reader: the error's message", "[json]") {
    try {
        parse("{\"a\" 1}");
        FAIL("no error");
    } catch (const parse_error& e) {
        CHECK(std::string(e.what()) == "invalid JSON at line 1, column 6: ':' expected");
        CHECK(e.offset() == 5);
        CHECK(e.line() == 1);
        CHECK(e.column() == 6);
    }
}

TEST_CASE("json reader: member names are unique per object, however many", "[json]") {
    // The names of an object and of the objects inside it are checked apart.
    CHECK_NOTHROW(validate(R"({"a":{"a":1,"b":{"a":2}},"b":[{"a":3},{"a":4}],"c":{"b":5}})"));
    const auto members = [](int count, const std::string& last) {
        std::string text = "{";
        for (int i = 0; i < count; ++i)
            text += "\"m" + std::to_string(i) + "\":{\"m0\":" + std::to_string(i) + "},";
        return text + last + "}";
    };
    for (const int count : {3, 31, 32, 33, 100}) {
        INFO(count);
        CHECK_NOTHROW(validate(members(count, R"("last":0)")));
        CHECK_THROWS_WITH(validate(members(count, R"("m2":0)")),
                          Catch::Contains("duplicate member name \"m2\""));
        CHECK_THROWS_WITH(validate(members(count, R"("\u006d1":0)")),
                          Catch::Contains("duplicate member name \"m1\""));
    }
}

TEST_CASE("json reader: a repeated name is found however alike the names are", "[json]") {
    // Names that differ only in their second and fourth bytes share the tokenizer's bit for a
    // name, so each one is compared with all the others; the m-names mostly do not.
    for (const bool alike : {true, false}) {
        const auto name = [alike](int i) {
            if (!alike)
                return "m" + std::to_string(i);
            return std::string{'a', static_cast<char>('a' + i / 26), 'b',
                               static_cast<char>('a' + i % 26), 'c'};
        };
        for (const int count : {1, 2, 5, 31, 32, 33, 70}) {
            std::string text = "{";
            for (int i = 0; i < count; ++i)
                text += "\"" + name(i) + "\":" + std::to_string(i) + ",";
            INFO(text);
            CHECK(error_of(text + "\"" + name(count) + "\":0}").empty());
            for (const int again : {0, count / 2, count - 1}) {
                const std::string expected = "line 1, column " + std::to_string(text.size() + 1) +
                                             ": duplicate member name \"" + name(again) + "\"";
                CHECK(error_of(text + "\"" + name(again) + "\":0}") == expected);
            }
        }
    }
}

TEST_CASE("json reader: each byte of a string, wherever it falls", "[json]") {
    // Plain bytes are read several at a time (16, 8, then 1 as fewer are left before the text's
    // end): every byte value at every place in such a step, before and after a run, at several
    // distances from the end.
    for (std::size_t before = 0; before <= 33; ++before) {
        const std::string run(before, 'x');
        for (int at = 0; at < 4 * 256; ++at) {
            const int value = at % 256;
            const std::string blanks(std::size_t{1} << (at / 256 * 2), ' ');  // 1, 4, 16, 64
            const auto byte = static_cast<char>(value);
            if (value == 0)
                continue;  // a NUL: a case of its own
            const std::string text = "{\"k\":\"" + run + byte + "yz\"" + blanks + "}";
            const std::string column = std::to_string(7 + before);
            INFO(before << " plain bytes, then byte " << value << ", then " << blanks.size());
            if (value < 0x20) {
                CHECK(error_of(text) ==
                      "line 1, column " + column +
                          ": a control character inside a string must be escaped");
            } else if (value >= 0x80) {
                CHECK(error_of(text) ==
                      "line 1, column " + column + ": invalid UTF-8 (JSON text is UTF-8)");
            } else if (byte == '"') {
                CHECK(error_of(text) ==
                      "line 1, column " + std::to_string(8 + before) + ": ',' or '}' expected");
            } else if (byte == '\\') {
                CHECK(error_of(text) == "line 1, column " + std::to_string(8 + before) +
                                            ": invalid escape in a string");
            } else {
                CHECK(as_object(parse(text))->getValue<std::string>("k") == run + byte + "yz");
            }
        }
        // Escapes and UTF-8 after a run, and a run after them.
        const auto object = as_object(parse("{\"k\":\"" + run + "\\n" + run + "\xc3\xa9" + run +
                                            "\\u00e9\xf0\x9f\x98\x80" + run + "\"}"));
        CHECK(object->getValue<std::string>("k") ==
              run + "\n" + run + "\xc3\xa9" + run + "\xc3\xa9\xf0\x9f\x98\x80" + run);
        // The text's last bytes: the string ends, or the text ends inside it.
        CHECK(parse("\"" + run + "\"").extract<std::string>() == run);
        CHECK(error_of("\"" + run) ==
              "line 1, column " + std::to_string(2 + before) + ": the text ends inside a string");
    }
}

TEST_CASE("json reader: blanks between all tokens, or none", "[json]") {
    const auto spaced = as_object(parse(" \t\r\n{ \"a\" :\t[ 1 ,\r\n2 ] ,\n\"b\"\t: { } }\n "));
    REQUIRE(spaced);
    CHECK(spaced->getArray("a")->size() == 2);
    CHECK(error_of("{\"a\":[1,2],\"b\":{}}").empty());
    CHECK(error_of("{\"a\" \n\t:1 2}") == "line 2, column 5: ',' or '}' expected");
}

TEST_CASE("json reader: names of nested objects past the ones kept in place", "[json]") {
    // 20 names outside and 20 inside: more open names than the tokenizer keeps without
    // allocating; each object still checks only its own.
    std::string outer = "{";
    for (int i = 0; i < 20; ++i)
        outer += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    std::string inner = "\"inner\":{";
    for (int i = 0; i < 20; ++i)
        inner += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    const std::string closed = outer + inner + "\"last\":0},";
    CHECK(error_of(closed + "\"m20\":0,\"m21\":{\"m1\":1}}").empty());
    CHECK(error_of(outer + inner + "\"m19\":0}}") ==
          "line 1, column " + std::to_string(outer.size() + inner.size() + 1) +
              ": duplicate member name \"m19\"");
    CHECK(error_of(closed + "\"m20\":0,\"m7\":0}") ==
          "line 1, column " + std::to_string(closed.size() + 9) + ": duplicate member name \"m7\"");
    CHECK(error_of(closed + "\"inner\":0}") == "line 1, column " +
                                                   std::to_string(closed.size() + 1) +
                                                   ": duplicate member name \"inner\"");
}

TEST_CASE("json reader: a NUL byte is the error, wherever it is and whatever comes first",
          "[json]") {
    // validate() searches for a NUL only once the text has failed: the same answers as parse().
    const std::pair<std::string, std::string> table[] = {
        {std::string("{\"a\" 1}\0", 8), "line 1, column 8: contains a NUL byte"},
        {std::string("[1,]\n\0", 6), "line 2, column 1: contains a NUL byte"},
        {std::string("\"0123456789abcdef\0\"", 19), "line 1, column 18: contains a NUL byte"},
        {std::string("{\"a\":1,\"a\":2}\0", 14), "line 1, column 14: contains a NUL byte"},
        {std::string("\xEF\xBB\xBF\0", 4),
         "line 1, column 1: starts with a UTF-8 byte-order mark (EF BB BF), "
         "which JSON text must not have: save it as UTF-8 without a BOM"},
    };
    for (const auto& [text, expected] : table) {
        INFO(text);
        CHECK(error_of(text) == expected);
    }
}

TEST_CASE("json reader: long integers validate as they parse", "[json]") {
    // validate() skips converting integers short enough to be a double at worst.
    const std::string beyond = "line 1, column 1: a number beyond the range of a double";
    CHECK(error_of(std::string(300, '9')).empty());
    CHECK(error_of("-" + std::string(299, '9')).empty());
    CHECK(error_of(std::string(301, '9')).empty());
    CHECK(error_of("1" + std::string(308, '0')).empty());
    CHECK(error_of("2" + std::string(308, '0')) == beyond);
    CHECK(error_of("-" + std::string(400, '9')) == beyond);
    CHECK(error_of("[18446744073709551616, -9223372036854775809, 1e308]").empty());
    CHECK(parse(std::string(300, '9')).extract<double>() == Approx(1e300));
}
