#include "json_writer.hpp"

#include <actionhost/plugin.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace compshare::detach {

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
    out_ += actionhost::json_quote(name);
    out_ += ':';
    need_comma_ = false;  // the value follows without a comma
    return *this;
}

json_writer& json_writer::value(std::string_view text) {
    separate();
    out_ += actionhost::json_quote(text);
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
