// The reader's events, for code that reads JSON without building a DOM: parse(text, handler)
// checks the text exactly as parse(text) does (the same tokenizer, the same errors) and reports
// each value to the handler as it is read. The DOM of parse(text) is one such handler.
#pragma once

#include <cstdint>
#include <string_view>

namespace actionhost::json {

// A number as read, never wrapped: an integer that fits 64 bits (signed first), otherwise the
// double nearest to it.
struct number {
    enum class kind { integer, unsigned_integer, floating };
    kind type = kind::integer;
    std::int64_t integer = 0;            // when type is integer
    std::uint64_t unsigned_integer = 0;  // when type is unsigned_integer (above INT64_MAX)
    double floating = 0;                 // when type is floating

    bool is_integer() const noexcept { return type != kind::floating; }
    double as_double() const noexcept {
        switch (type) {
            case kind::integer:
                return static_cast<double>(integer);
            case kind::unsigned_integer:
                return static_cast<double>(unsigned_integer);
            case kind::floating:
                break;
        }
        return floating;
    }
};

// Every callback does nothing unless overridden. Strings and names arrive decoded (escapes
// resolved, UTF-8 checked); the view is valid only during the call. An object's events are
// begin_object, then for each member its name and its value, then end_object; a member name is
// never repeated within one object (the reader refuses the document first).
class handler {
  public:
    virtual ~handler() = default;
    virtual void begin_object() {}
    virtual void member_name(std::string_view /*name*/) {}
    virtual void end_object() {}
    virtual void begin_array() {}
    virtual void end_array() {}
    virtual void string_value(std::string_view /*value*/) {}
    virtual void number_value(const number& /*value*/) {}
    virtual void boolean_value(bool /*value*/) {}
    virtual void null_value() {}
};

}  // namespace actionhost::json
