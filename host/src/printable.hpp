// Text for a terminal: what the host prints for people on stderr (its messages, text log lines)
// can quote file names, parameters and server replies, so it is made safe to print first.
#pragma once

#include <actionhost/json_writer.hpp>

#include <string>
#include <string_view>

namespace actionhost::core {

// `text` as valid UTF-8 on one line, with nothing a terminal would act on: line breaks and tabs
// become spaces; other control characters (C0, DEL, C1: escape sequences start with them) and
// invalid UTF-8 bytes become U+FFFD.
inline std::string printable(std::string_view text) {
    constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || c == '\r' || c == '\t') {
            out += ' ';
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            out += replacement;
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t len = utf8_sequence_length(text, i); len == 0) {
            out += replacement;
            ++i;
        } else {
            const bool c1_control = c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
            if (c1_control)
                out += replacement;
            else
                out.append(text.substr(i, len));
            i += len;
        }
    }
    return out;
}

}  // namespace actionhost::core
