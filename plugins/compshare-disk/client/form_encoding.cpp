#include "form_encoding.hpp"

namespace compshare {

namespace {

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// Percent-encodes everything but ALPHA DIGIT - . _ ~, with upper-case hex digits: the output
// Poco::URI::encode gave with every other printable character listed as reserved, at a fraction
// of its cost (no search of the reserved set per character; it ran once per request).
void encode_into(std::string_view text, std::string& out) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < text.size(); ++i) {
        // A run of unreserved bytes is copied at once.
        const std::size_t run = i;
        while (i < text.size() && unreserved(static_cast<unsigned char>(text[i])))
            ++i;
        out.append(text.data() + run, i - run);
        if (i == text.size())
            break;
        const auto c = static_cast<unsigned char>(text[i]);
        const char escaped[3] = {'%', hex[c >> 4], hex[c & 0xF]};
        out.append(escaped, 3);
    }
}

template <class Params>
std::string encode_pairs(const Params& params) {
    std::string body;
    body.reserve(256);
    for (const auto& [key, value] : params) {
        if (!body.empty())
            body += '&';
        encode_into(key, body);
        body += '=';
        encode_into(value, body);
    }
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
