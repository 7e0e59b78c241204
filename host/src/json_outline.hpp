// A JSON object read down to a given depth, for documents of which only the upper fields are
// needed (a manifest: its metadata, not the schemas it carries): the same checks and errors as
// parse_json_object(), without a DOM of the rest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace actionhost::core {

struct json_outline {
    enum class kind { null, boolean, number, string, object, array };
    kind type = kind::null;
    std::string name;      // the member name in the enclosing object ("" for an array element)
    std::string text;      // a string's value
    bool boolean = false;  // a boolean's value
    // An object's members (in document order) or an array's elements; empty below the depth
    // read, where only the kind is kept.
    std::vector<json_outline> children;

    // The member named `name` of an object, or nullptr.
    const json_outline* find(std::string_view name) const;
};

// "an object", "an array", "a string", "a number", "a boolean", "null" (as json::kind_of).
const char* kind_name(json_outline::kind type);

// Reads `text`, which must be one JSON object, keeping the values down to `depth` (the object's
// own members are depth 1). Throws host_error(error_type, ...) with parse_json_object()'s
// messages.
json_outline outline_json_object(std::string_view text, int depth, const std::string& what,
                                 std::string_view error_type);

}  // namespace actionhost::core
