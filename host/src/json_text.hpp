// JSON text in and out: parsing with a located error message, compact or indented output, and
// the host's own failure result.
#pragma once

#include "host_error.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <actionhost/json/reader.hpp>
#include <actionhost/json_writer.hpp>

#include <string>
#include <string_view>

namespace actionhost::core {

using actionhost::json_writer;

// Parses `text` as one JSON object. On failure throws host_error(error_type, ...) whose message
// starts with `what` (e.g. "params file /tmp/p.json") and says where the text is wrong
// ("line 3, column 7") and why.
Poco::JSON::Object::Ptr parse_json_object(std::string_view text, const std::string& what,
                                          std::string_view error_type);

// parse_json_object()'s error for text that is not JSON: "WHAT: invalid JSON at line L, column
// C: why".
host_error invalid_json(const std::string& what, std::string_view error_type,
                        const json::parse_error& e);

// The same checks and messages as parse_json_object() without building the document: for text
// that is only passed on (a batch line).
void check_json_object(std::string_view text, const std::string& what, std::string_view error_type);

// Where a JSON syntax error is, as "line L, column C" (1-based), or "" when the text is valid.
std::string json_error_location(std::string_view text);

// "" when `text` is exactly one JSON object (blanks around it allowed); otherwise what is wrong
// with it ("invalid JSON at line 1, column 5", "a JSON array, not an object").
std::string json_object_problem(std::string_view text);

// `json` (one valid JSON text) indented by `indent` spaces per level, one member or element a
// line; returned unchanged when it is not valid JSON.
std::string indent_json(std::string_view json, unsigned indent = 2);

// Writes a parsed JSON value (from a manifest, say) through the one JSON writer.
void write_json_value(json_writer& out, const Poco::Dynamic::Var& value);

// Compact JSON of a parsed value.
std::string var_json(const Poco::Dynamic::Var& value);

// {"ok":false,"error":{"type":...,"message":...,"retryable":false}}
std::string error_result(std::string_view type, std::string_view message);

// Reads error.type from a result object; "" when there is none.
std::string result_error_type(std::string_view result_json);

}  // namespace actionhost::core
