#include "form_encoding.hpp"

#include <array>

namespace compshare {

namespace {

// ALPHA DIGIT - . _ ~, as a table: one load per byte instead of up to seven comparisons.
constexpr std::array<bool, 256> unreserved_bytes = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~';
    return table;
}();

// Percent-encodes everything but ALPHA DIGIT - . _ ~, with upper-case hex digits (the output
// Poco::URI::encode gave with every other printable character listed as reserved), into `out`,
// which has room for three bytes per byte of `text`. Returns the end of what it wrote.
char* encode_into(std::string_view text, char* out) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved_bytes[c]) {
            *out++ = ch;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 0xF];
        }
    }
    return out;
}

template <class Params>
std::string encode_pairs(const Params& params) {
    // Written into room for the worst case (every byte escaped), then cut to size: no append,
    // and no check for room, per byte.
    std::size_t most = 0;
    for (const auto& [key, value] : params)
        most += 3 * (key.size() + value.size()) + 2;
    std::string body(most, '\0');
    char* const begin = body.data();
    char* out = begin;
    for (const auto& [key, value] : params) {
        if (out != begin)
            *out++ = '&';
        out = encode_into(key, out);
        *out++ = '=';
        out = encode_into(value, out);
    }
    body.resize(static_cast<std::size_t>(out - begin));
    return body;
}

}  // namespace

std::string form_encode(const std::map<std::string, std::string>& params) {
    return encode_pairs(params);
}

std::string form_encode_views(const param_views& params) {
    return encode_pairs(params);
}

}  // namespace compshare
