#include "json_writer.hpp"

#include <actionhost/plugin.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace compshare::detach {
namespace {

// Appends `text` as a JSON string. Plain printable ASCII (every key, id, status and most
// messages) is copied in one piece; anything else goes through actionhost::json_quote, which
// escapes and repairs invalid UTF-8. Same output either way, without a temporary per string.
void append_quoted(std::string& out, std::string_view text) {
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
            out += actionhost::json_quote(text);
            return;
        }
    }
    out += '"';
    out.append(text.data(), text.size());
    out += '"';
}

}  // namespace

void json_writer::separate() {
    if (need_comma_)
        out_ += ',';
}

json_writer& json_writer::begin_object() {
    separate();
    out_ += '{';
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::end_object() {
    out_ += '}';
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::begin_array() {
    separate();
    out_ += '[';
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::end_array() {
    out_ += ']';
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::key(std::string_view name) {
    separate();
    append_quoted(out_, name);
    out_ += ':';
    need_comma_ = false;  // the value follows without a comma
    return *this;
}

json_writer& json_writer::value(std::string_view text) {
    separate();
    append_quoted(out_, text);
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::value(bool flag) {
    separate();
    out_ += flag ? "true" : "false";
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::value(std::int64_t number) {
    separate();
    out_ += std::to_string(number);
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::value(double number) {
    if (!std::isfinite(number))
        return null();  // JSON has no NaN or infinity
    separate();
    char buf[32];
    // The shortest of 15 or 17 significant digits that reads back as the same double.
    std::snprintf(buf, sizeof buf, "%.15g", number);
    if (std::strtod(buf, nullptr) != number)
        std::snprintf(buf, sizeof buf, "%.17g", number);
    out_ += buf;
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::null() {
    separate();
    out_ += "null";
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::string_or_null(std::string_view text) {
    return text.empty() ? null() : value(text);
}

json_writer& json_writer::value(const std::optional<std::string>& text) {
    return text ? value(std::string_view(*text)) : null();
}

json_writer& json_writer::value(const std::optional<bool>& flag) {
    return flag ? value(*flag) : null();
}

json_writer& json_writer::value(const std::optional<int>& number) {
    return number ? value(*number) : null();
}

json_writer& json_writer::value(const std::vector<std::string>& texts) {
    begin_array();
    for (const auto& text : texts)
        value(std::string_view(text));
    return end_array();
}

}  // namespace compshare::detach
