// actionhost::json::parse: the one way actionhost code reads JSON, shared by the host and the
// plugins. Strict where a lenient reader lets one input mean two things:
// - the text is UTF-8 (RFC 8259 section 8.1), with no lone UTF-16 surrogate in a \u escape;
// - an object never names a member twice ({"DryRun":true,"DryRun":false} is refused, also
//   when the two names are spelt with different escapes): a reviewer reading the first and a
//   program reading the last must not see different documents;
// - a number is never wrapped or refused for its size: an integer is an int, Int64 or UInt64
//   when it fits one, otherwise a double (18446744073709551617 stays about 1.8e19, not 1); a
//   number beyond a double's range is refused;
// - nesting is limited (parse_options::max_depth), so a hostile document cannot exhaust the
//   stack.
// Errors say where (offset, line, column) and what is wrong.
#pragma once

#include <actionhost/json/handler.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace actionhost::json {

class parse_error : public std::runtime_error {
  public:
    parse_error(std::string reason, std::size_t offset, std::size_t line, std::size_t column);
    const std::string& reason() const noexcept { return reason_; }  // "duplicate member ..."
    std::size_t offset() const noexcept { return offset_; }         // of the first wrong byte
    std::size_t line() const noexcept { return line_; }             // 1-based
    std::size_t column() const noexcept { return column_; }         // 1-based, in bytes
    std::string where() const;                                      // "line 3, column 7"

  private:
    std::string reason_;
    std::size_t offset_;
    std::size_t line_;
    std::size_t column_;
};

struct parse_options {
    // Objects keep the document's order for getNames() and stringify (else key order).
    bool preserve_order = false;
    // Deepest nesting of objects and arrays accepted (the document itself counts as 1).
    int max_depth = 128;
};

// One JSON value with optional blanks around it. Throws parse_error.
Poco::Dynamic::Var parse(std::string_view text, parse_options options = {});

// The same checks as parse() without building anything: for text that is only passed on (a
// plugin's result, a log event). Throws parse_error.
void validate(std::string_view text, parse_options options = {});

// The same checks as parse(), each value reported to `events` as it is read instead of built
// (handler.hpp): for readers that need a few fields, not a DOM. Throws parse_error, and passes
// on whatever the handler throws.
void parse(std::string_view text, handler& events, parse_options options = {});

// What kind of value a parsed Var is, for messages: "an object", "an array", "a string",
// "a number", "a boolean", "null".
const char* kind_of(const Poco::Dynamic::Var& value);

// The value as an object, or nullptr when it is something else.
Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var& value);

}  // namespace actionhost::json
