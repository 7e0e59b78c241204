// The members of a document that should be one flat object (action parameters, the top of an API
// reply), read without a DOM: every check of parse(), then each member's name and scalar value.
#pragma once

#include <actionhost/json/handler.hpp>
#include <actionhost/json/reader.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace actionhost::json {

struct member {
    enum class kind { null, boolean, number, string, object, array };
    std::string name;
    kind type = kind::null;
    bool boolean = false;  // when type is boolean
    json::number number;   // when type is number
    std::string text;      // when type is string
};

struct object_members {
    bool is_object = false;       // false: the document is another kind of value (no members)
    std::vector<member> members;  // a nested object or array by its kind only

    const member* find(std::string_view name) const;
};

// The members sorted by name. Throws parse_error, as parse() does for the same text.
object_members read_members(std::string_view text, parse_options options = {});

}  // namespace actionhost::json
