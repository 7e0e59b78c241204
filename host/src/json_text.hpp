// JSON text in and out: parsing with a located error message, compact or indented output, and
// the host's own failure result.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SharedPtr.h>

#include <string>
#include <string_view>

namespace actionhost::core {

// Parses `text` as one JSON object. On failure throws host_error(error_type, ...) whose message
// starts with `what` (e.g. "params file /tmp/p.json") and says where the text is wrong
// ("line 3, column 7") and why.
Poco::JSON::Object::Ptr parse_json_object(std::string_view text, const std::string& what,
                                          std::string_view error_type);

// Where a JSON syntax error is, as "line L, column C" (1-based), or "" when the text is valid.
std::string json_error_location(std::string_view text);

// "" when `text` is exactly one JSON object (blanks around it allowed); otherwise what is wrong
// with it ("invalid JSON at line 1, column 5", "a JSON array, not an object").
std::string json_object_problem(std::string_view text);

// New JSON values; objects keep their keys in insertion order, so output reads as written.
inline Poco::JSON::Object::Ptr make_object() {
    return Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
}
inline Poco::JSON::Array::Ptr make_array() {
    return Poco::makeShared<Poco::JSON::Array>();
}

// Compact (indent 0) or indented output of an object.
std::string to_json(const Poco::JSON::Object& object, unsigned indent = 0);

// Re-formats a JSON document with indentation; returns it unchanged when it does not parse.
std::string pretty_json(const std::string& json);

// {"ok":false,"error":{"type":...,"message":...,"retryable":false}}
std::string error_result(std::string_view type, std::string_view message);

// Reads error.type from a result object; "" when there is none.
std::string result_error_type(std::string_view result_json);

}  // namespace actionhost::core
