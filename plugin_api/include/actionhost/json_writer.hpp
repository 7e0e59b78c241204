// actionhost::json_writer: the one way actionhost code writes JSON. Header-only, shared by the host
// and the plugin helper (plugin.hpp), so that every result, failure result and log event is valid
// JSON in valid UTF-8 by construction: text that comes from a user, a file name or a remote
// service may be anything, and invalid UTF-8 bytes in it become U+FFFD.
//
//     actionhost::json_writer w;
//     w.begin_object().member("ok", false).key("error").begin_object()
//      .member("type", "Transient").end_object().end_object();
//     std::string json = w.take();  // {"ok":false,"error":{"type":"Transient"}}
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace actionhost {

// Length of the valid UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF) that starts
// at text[i], or 0 when the bytes there are not one.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80)
        return 1;
    const std::size_t len = c >= 0xF5 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || i + len > text.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
            return 0;
    }
    const auto c1 = static_cast<unsigned char>(text[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 >= 0x90)) {
        return 0;
    }
    return len;
}

// True when `text` is valid UTF-8 throughout.
inline bool valid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = utf8_sequence_length(text, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

namespace detail {
// The bytes a JSON string literal holds as they are: printable ASCII but the quote and the
// backslash.
inline constexpr std::array<bool, 256> json_plain_byte = [] {
    std::array<bool, 256> table{};
    for (std::size_t c = 0x20; c < 0x7F; ++c)
        table[c] = c != '"' && c != '\\';
    return table;
}();

// The end of the run of plain bytes of `text` that starts at `i`: four bytes a step while four
// are left (about half the instructions of one at a time; most text is one plain run), then one.
inline std::size_t json_plain_run_end(std::string_view text, std::size_t i) noexcept {
    // 0 or 1, combined with & so that the four look-ups need no branch each.
    const auto plain = [&](std::size_t k) -> unsigned {
        return json_plain_byte[static_cast<unsigned char>(text[k])];
    };
    while (text.size() - i >= 4 && (plain(i) & plain(i + 1) & plain(i + 2) & plain(i + 3)) != 0)
        i += 4;
    while (i < text.size() && plain(i) != 0)
        ++i;
    return i;
}
}  // namespace detail

namespace detail {
// Reached only for a json_key that would need escaping. In a constant expression (a constexpr
// json_key) calling it is the compile error, and its name says why; at run time it throws.
[[noreturn]] inline void json_key_needs_escaping() {
    throw std::logic_error(
        "actionhost::json_key: a member name must be printable ASCII without \" or \\");
}
}  // namespace detail

// A member name that needs no escaping (printable ASCII without the quote and the backslash),
// checked when it is made and kept ready to append as `"name":` (or `,"name":`) in one piece.
// Declared constexpr, a name that would need escaping does not compile:
//     constexpr actionhost::json_key ok_key{"ok"};
//     w.member(ok_key, true);
template <std::size_t N>  // the literal's size, its NUL included
class json_key {
  public:
    constexpr explicit json_key(const char (&name)[N]) : quoted_{} {
        quoted_[0] = ',';
        quoted_[1] = '"';
        for (std::size_t i = 0; i + 1 < N; ++i) {
            if (!detail::json_plain_byte[static_cast<unsigned char>(name[i])])
                detail::json_key_needs_escaping();
            quoted_[i + 2] = name[i];
        }
        if (name[N - 1] != '\0')  // a char array, not a string literal
            detail::json_key_needs_escaping();
        quoted_[N + 1] = '"';
        quoted_[N + 2] = ':';
    }
    constexpr std::string_view name() const noexcept { return {quoted_ + 2, N - 1}; }
    // "name": as the writer appends it for a first member,
    constexpr std::string_view member_start() const noexcept { return {quoted_ + 1, N + 2}; }
    // and ,"name": for the members after it.
    constexpr std::string_view next_member_start() const noexcept { return {quoted_, N + 3}; }

  private:
    char quoted_[N + 3];
};

// Appends `text` as a JSON string literal: quotes and backslashes escaped, control characters
// (C0, DEL and C1) as \n, \r, \t or \u00XX, invalid UTF-8 bytes as U+FFFD (one per byte).
inline void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    const auto flush = [&](std::size_t end) { out.append(text.data() + plain, end - plain); };
    for (std::size_t i = 0; i < text.size();) {
        i = detail::json_plain_run_end(text, i);
        if (i == text.size())
            break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(text, i);
            const bool c1_control =
                c == 0xC2 && len == 2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
            if (len != 0 && !c1_control) {
                i += len;
                continue;
            }
            if (c1_control) {  // U+0080..U+009F: escaped, as terminals act on some of them
                flush(i);
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
                out += buf;
                i += 2;
                plain = i;
                continue;
            }
        }
        flush(i);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += "\xEF\xBF\xBD";  // an invalid UTF-8 byte
                }
        }
        plain = ++i;
    }
    flush(text.size());
    out += '"';
}

// `text` as a JSON string literal (see append_json_string).
inline std::string json_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    append_json_string(out, text);
    return out;
}

// Writes one JSON value, compact, members in the order written. The caller keeps the nesting
// balanced; everything else (quoting, separators, numbers JSON cannot hold) is the writer's.
class json_writer {
  public:
    // One allocation for a usual result (a detach result is about 900 bytes).
    json_writer() { out_.reserve(1024); }

    json_writer& begin_object() { return open('{'); }
    json_writer& end_object() { return close('}'); }
    json_writer& begin_array() { return open('['); }
    json_writer& end_array() { return close(']'); }

    // The key of the next member (inside an object); its value follows.
    json_writer& key(std::string_view name) {
        separate();
        append_json_string(out_, name);
        out_ += ':';
        need_comma_ = false;
        return *this;
    }

    // The same for a name checked when it was made: appended as it is, with its comma.
    template <std::size_t N>
    json_writer& key(const json_key<N>& name) {
        out_ += need_comma_ ? name.next_member_start() : name.member_start();
        need_comma_ = false;
        return *this;
    }

    json_writer& value(std::string_view text) {
        separate();
        append_json_string(out_, text);
        return done();
    }
    json_writer& value(const char* text) { return value(std::string_view(text)); }
    json_writer& value(const std::string& text) { return value(std::string_view(text)); }
    json_writer& value(bool flag) { return literal(flag ? "true" : "false"); }
    json_writer& value(int number) { return integer(number); }
    json_writer& value(long number) { return integer(number); }
    json_writer& value(long long number) { return integer(number); }
    json_writer& value(unsigned number) { return integer(number); }
    json_writer& value(unsigned long number) { return integer(number); }
    json_writer& value(unsigned long long number) { return integer(number); }
    json_writer& value(double number) {
        if (!std::isfinite(number))
            return null();  // JSON has no NaN or infinity
        char buf[32];
        // The shorter of 15 or 17 significant digits that reads back as the same double.
        std::snprintf(buf, sizeof buf, "%.15g", number);
        if (std::strtod(buf, nullptr) != number)
            std::snprintf(buf, sizeof buf, "%.17g", number);
        return literal(buf);
    }
    json_writer& null() { return literal("null"); }

    // Optional values: null when absent.
    template <class T>
    json_writer& value(const std::optional<T>& v) {
        return v ? value(*v) : null();
    }
    json_writer& value(const std::vector<std::string>& texts) {
        begin_array();
        for (const auto& text : texts)
            value(std::string_view(text));
        return end_array();
    }
    // A string, or null when it is empty.
    json_writer& string_or_null(std::string_view text) {
        return text.empty() ? null() : value(text);
    }

    // Shorthand for key(name).value(v).
    template <class T>
    json_writer& member(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }
    template <std::size_t N, class T>
    json_writer& member(const json_key<N>& name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& str() const noexcept { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void separate() {
        if (need_comma_)
            out_ += ',';
    }
    json_writer& done() {
        need_comma_ = true;
        return *this;
    }
    // Written in place: no std::string per number.
    template <class Integer>
    json_writer& integer(Integer number) {
        char digits[24];  // a 64-bit integer has at most 20 digits and a sign
        const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
        return literal(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    json_writer& literal(std::string_view text) {
        separate();
        out_ += text;
        return done();
    }
    json_writer& open(char bracket) {
        separate();
        out_ += bracket;
        need_comma_ = false;
        return *this;
    }
    json_writer& close(char bracket) {
        out_ += bracket;
        return done();
    }

    std::string out_;
    bool need_comma_ = false;
};

}  // namespace actionhost
