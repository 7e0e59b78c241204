#include "host_error.hpp"
#include "json_input.hpp"
#include "json_text.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace actionhost::core;
using test_support::temp_dir;
using test_support::write_file;

namespace {

std::string params_error(const std::string& spec, const std::string& stdin_text = "") {
    std::istringstream in(stdin_text);
    try {
        read_params(spec, in);
    } catch (const host_error& e) {
        CHECK(e.type() == "InvalidParameter");
        CHECK(e.exit_code() == 2);
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("host params: inline, stdin and file", "[host][params]") {
    temp_dir dir;
    write_file(dir / "p.json", R"({"from": "file"})");
    std::istringstream in(R"( {"from": "stdin"} )");
    CHECK(read_params(R"({"from": "inline"})", in).object->getValue<std::string>("from") ==
          "inline");
    CHECK(read_params("  {\"a\":1}", in).text == "  {\"a\":1}");  // passed on unchanged
    const auto from_stdin = read_params("-", in);
    CHECK(from_stdin.object->getValue<std::string>("from") == "stdin");
    CHECK(from_stdin.origin == "params from stdin");
    const auto from_file = read_params((dir / "p.json").string(), in);
    CHECK(from_file.object->getValue<std::string>("from") == "file");
    CHECK(from_file.origin == "params file " + (dir / "p.json").string());
}

TEST_CASE("host params: every failure names where", "[host][params]") {
    temp_dir dir;
    write_file(dir / "bad.json", "{\n  \"a\": 1,\n  \"b\": nope\n}");
    write_file(dir / "array.json", "[1, 2]");
    CHECK_THAT(params_error((dir / "missing.json").string()),
               Catch::Contains("params file " + (dir / "missing.json").string() +
                               ": cannot be read: No such file or directory"));
    CHECK_THAT(params_error((dir / "bad.json").string()),
               Catch::Contains("params file " + (dir / "bad.json").string() +
                               ": invalid JSON at line 3, column 9"));
    CHECK_THAT(params_error((dir / "array.json").string()),
               Catch::Contains("must be a JSON object, not an array"));
    CHECK_THAT(params_error("{\"a\": }"),
               Catch::Contains("inline params: invalid JSON at line 1, column 7"));
    CHECK_THAT(params_error("-", "{\"a\":1"),
               Catch::Contains("params from stdin: invalid JSON at line 1, column 7"));
    CHECK_THAT(params_error("-", ""), Catch::Contains("params from stdin: invalid JSON"));
    CHECK_THAT(params_error("\"text\""), Catch::Contains("must be a JSON object, not a string"));
    CHECK_THAT(params_error("{} {}"), Catch::Contains("invalid JSON at line 1, column 4"));
    CHECK_THAT(params_error(dir.path().string()),
               Catch::EndsWith(": is a directory, not a regular file"));
}

TEST_CASE("host params: what the one JSON reader refuses, and what it does not", "[host][params]") {
    CHECK(params_error("{\"UHostId\":\"\xc0\xaf\"}") ==
          "inline params: invalid JSON at line 1, column 13: invalid UTF-8 (JSON text is UTF-8)");
    CHECK(params_error("{\"a\":1e400}") ==
          "inline params: invalid JSON at line 1, column 6: a number beyond the range of a double");
    CHECK(params_error("-", "{\"a\":-" + std::string(400, '9') + "}") ==
          "params from stdin: invalid JSON at line 1, column 6: a number beyond the range of a "
          "double");
    const std::string deep = "{\"a\":" + std::string(500, '[') + std::string(500, ']') + "}";
    CHECK(params_error(deep) ==
          "inline params: invalid JSON at line 1, column 133: nested deeper than 128 levels");
    // One document, one meaning: a name given twice is refused, however it is spelt.
    CHECK(params_error(R"({"DryRun":true,"Wait":false,"DryRun":false})") ==
          R"(inline params: invalid JSON at line 1, column 29: duplicate member name "DryRun")");
    CHECK_THAT(params_error(R"({"a":{"DryRun":1,"Dry\u0052un":2}})"),
               Catch::EndsWith(R"(duplicate member name "DryRun")"));
    CHECK_THAT(params_error(R"({"a":"\ud800"})"), Catch::Contains("lone UTF-16 high surrogate"));
    // Numbers of any size are valid JSON, never wrapped: the plugin judges their range.
    for (const std::string text :
         {"{\"a\":100000000000000000000}", "{\"a\":18446744073709551617}", "{\"a\":-1e300}"}) {
        INFO(text);
        CHECK(params_error(text).empty());
    }
    // The same name in two objects is no duplicate.
    CHECK(params_error(R"({"a":{"x":1},"b":{"x":1}})").empty());
}

TEST_CASE("host params: the size limit is checked before parsing", "[host][params]") {
    temp_dir dir;
    // Not even JSON: refused for its size, so it was never parsed.
    const std::string big(max_input_bytes + 1, 'x');
    write_file(dir / "big.json", big);
    CHECK_THAT(params_error((dir / "big.json").string()),
               Catch::Contains("larger than the limit of 1048576 bytes"));
    CHECK_THAT(params_error("-", big), Catch::Contains("params from stdin: larger than the limit"));
    // Exactly at the limit is fine.
    std::string at_limit = "{\"a\":\"" + std::string(max_input_bytes - 8, 'y') + "\"}";
    REQUIRE(at_limit.size() == max_input_bytes);
    std::istringstream in(at_limit);
    CHECK(read_params("-", in).text.size() == max_input_bytes);
}

TEST_CASE("host config: file or {}", "[host][params]") {
    temp_dir dir;
    write_file(dir / "c.json", R"({"greeting": "hi"})");
    write_file(dir / "bad.json", "{");
    CHECK(read_config("").text == "{}");
    CHECK(read_config((dir / "c.json").string()).object->has("greeting"));
    try {
        read_config((dir / "bad.json").string());
        FAIL("no error");
    } catch (const host_error& e) {
        CHECK(e.type() == "InvalidConfig");
        CHECK(e.exit_code() == 2);
        CHECK_THAT(e.what(), Catch::Contains("config file " + (dir / "bad.json").string()));
    }
}

TEST_CASE("host json: error locations and results", "[host][params]") {
    CHECK(json_error_location("{}").empty());
    CHECK(json_error_location("").find("line 1, column 1") == 0);
    CHECK(json_error_location("{\"a\":\n\n   x}") == "line 3, column 4");
    CHECK(json_error_location("{\"a\": \"unterminated") == "line 1, column 20");
    CHECK(json_error_location("[1, 2,]") == "line 1, column 7");
    CHECK(json_error_location("{\"a\": 01}") == "line 1, column 8");
    CHECK(json_error_location("{\"a\": \"\\x\"}") == "line 1, column 9");
    CHECK(json_error_location("{\"a\": tru}") == "line 1, column 10");
    CHECK(json_error_location(" [\"\\u12g4\", -1.5e+3, null, {}]").empty() == false);
    CHECK(json_error_location(" [\"\\u12a4\", -1.5e+3, null, {}, []] ").empty());
    CHECK(error_result("T", "m \"q\"") ==
          R"({"ok":false,"error":{"type":"T","message":"m \"q\"","retryable":false}})");
    CHECK(result_error_type(R"({"ok":false,"error":{"type":"ApiError"}})") == "ApiError");
    CHECK(json_object_problem(" {\"a\": [1]} \n").empty());
    CHECK(json_object_problem("{\"a\": [1}") ==
          "invalid JSON at line 1, column 9: ',' or ']' expected");
    CHECK(json_object_problem("[1]") == "valid JSON but an array, not a JSON object");
    CHECK(json_object_problem("42") == "valid JSON but a number, not a JSON object");
    CHECK(json_object_problem("").rfind("invalid JSON", 0) == 0);
    CHECK(result_error_type(R"({"ok":true})").empty());
    CHECK(result_error_type("garbage").empty());
    CHECK(indent_json(R"({"a":1})") == "{\n  \"a\": 1\n}");
    CHECK(indent_json(R"({"a":[1,{"b":"{,:}\""}],"c":{},"d":[ ]})") ==
          "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"{,:}\\\"\"\n    }\n  ],\n  \"c\": {},\n  "
          "\"d\": []\n}");
    CHECK(indent_json("garbage") == "garbage");
}

TEST_CASE("host json: text that is not UTF-8 is not JSON", "[host][json]") {
    CHECK(json_error_location("{\"a\": \"\xff\"}") == "line 1, column 8");
    CHECK(json_error_location("{\"a\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}").empty());
    CHECK(json_error_location("{\"a\": \"\xc0\xaf\"}") == "line 1, column 8");      // overlong
    CHECK(json_error_location("{\"a\": \"\xed\xa0\x80\"}") == "line 1, column 8");  // surrogate
    CHECK(json_error_location("{\"a\": \"\xe2\x82\"}") == "line 1, column 8");      // truncated
    CHECK(json_error_location("{\"\xfe\": 1}") == "line 1, column 3");
}

TEST_CASE("host json: the writer's output is valid UTF-8 JSON for any input", "[host][json]") {
    std::string every_byte;
    for (int c = 0; c < 256; ++c)
        every_byte += static_cast<char>(c);
    const std::string result = error_result(every_byte, every_byte + "\xe2\x82");
    CHECK(json_object_problem(result).empty());
    CHECK(actionhost::valid_utf8(result));
    CHECK(result_error_type(result).size() > 200);
    // DEL and the C1 controls (U+0080..U+009F; a terminal acts on some) are escaped too.
    CHECK(actionhost::json_quote("a\x7f\xc2\x9b\xc2\xa0") == "\"a\\u007f\\u009b\xc2\xa0\"");
}

TEST_CASE("host check_input: parse_input's verdicts and messages without a document",
          "[host][params]") {
    const auto message = [](auto&& read) -> std::string {
        try {
            read();
        } catch (const host_error& e) {
            CHECK(e.type() == "InvalidParameter");
            return e.what();
        }
        return "";
    };
    const std::string too_large = "{\"a\":\"" + std::string(max_input_bytes, 'x') + "\"}";
    for (const std::string& text :
         {std::string(R"({"a":[1,{"b":null}]})"), std::string(" {} "), std::string("[1]"),
          std::string(R"("text")"), std::string("12"), std::string("null"), std::string("true"),
          std::string(R"({"a":1,"a":2})"), std::string(R"({"a":)"), std::string(""),
          std::string("{} {}"), too_large}) {
        CAPTURE(text.substr(0, 40));
        const std::string checked =
            message([&] { check_input(text, "batch line 3", error_type::invalid_parameter); });
        const std::string parsed =
            message([&] { parse_input(text, "batch line 3", error_type::invalid_parameter); });
        CHECK(checked == parsed);
    }
    CHECK(message([] { check_input("[1]", "batch line 3", error_type::invalid_parameter); }) ==
          "batch line 3: must be a JSON object, not an array");
}
