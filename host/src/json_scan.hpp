// Reading one top-level string member out of a JSON object's text without building a document,
// for text already checked by json::validate (a plugin's result is, when it arrives). A batch
// reads each result's "status" for its summary: a parse per line cost the writer more than all
// of its other work.
#pragma once

#include <string_view>

namespace actionhost::core {

struct string_member {
    enum class kind { absent, plain, needs_parse };
    kind found = kind::absent;
    std::string_view value;  // plain: the string's characters, between the quotes
};

// The top-level member `name` of `valid_object` (one valid JSON object) when its value is a
// string: plain when neither its name nor its value holds an escape, which are not decoded
// here; needs_parse when an escape (or a text that is no object) leaves the answer to a parser.
// absent when there is no such member or its value is no string.
string_member find_string_member(std::string_view valid_object, std::string_view name);

}  // namespace actionhost::core
