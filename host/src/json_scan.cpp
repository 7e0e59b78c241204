#include "json_scan.hpp"

namespace actionhost::core {
namespace {

std::size_t skip_blanks(std::string_view text, std::size_t i) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        ++i;
    return i;
}

// text[i] opens a string: the index of its closing quote.
std::size_t closing_quote(std::string_view text, std::size_t i) {
    for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\')
            ++i;
    }
    return i;
}

// The index just past the value that starts at text[i]: after its closing quote or bracket,
// or at the ',' or '}' that ends a number or literal.
std::size_t value_end(std::string_view text, std::size_t i) {
    std::size_t depth = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            i = closing_quote(text, i);
            if (depth == 0)
                return i + 1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;  // the end of the enclosing object
            if (--depth == 0)
                return i + 1;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return i;
}

}  // namespace

string_member find_string_member(std::string_view valid_object, std::string_view name) {
    using kind = string_member::kind;
    const std::string_view text = valid_object;
    std::size_t i = skip_blanks(text, 0);
    if (i >= text.size() || text[i] != '{')
        return {kind::needs_parse, {}};
    ++i;
    for (;;) {
        i = skip_blanks(text, i);
        if (i >= text.size() || text[i] != '"')
            return {};  // '}': no more members
        const std::size_t key_end = closing_quote(text, i);
        const std::string_view key = text.substr(i + 1, key_end - i - 1);
        i = skip_blanks(text, skip_blanks(text, key_end + 1) + 1);  // past the ':'
        const std::size_t end = value_end(text, i);
        if (key.find('\\') != std::string_view::npos)
            return {kind::needs_parse, {}};  // an escaped name may spell `name`
        if (key == name) {
            if (i >= text.size() || text[i] != '"')
                return {};
            const std::string_view value = text.substr(i + 1, end - i - 2);
            if (value.find('\\') != std::string_view::npos)
                return {kind::needs_parse, {}};
            return {kind::plain, value};
        }
        i = skip_blanks(text, end);
        if (i < text.size() && text[i] == ',')
            ++i;
    }
}

}  // namespace actionhost::core
