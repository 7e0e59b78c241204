// A small streaming JSON writer for the action's result and log events. Written by hand rather
// than through Poco::JSON so that every string goes through actionhost::json_quote (always valid
// JSON, even for invalid UTF-8 coming back from the service) and the key order stays readable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace compshare::detach {

class json_writer {
  public:
    json_writer() { out_.reserve(1024); }  // a result is ~0.6 KiB: one allocation, no regrowth

    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();

    // Writes the key of the next member (inside an object).
    json_writer& key(std::string_view name);

    json_writer& value(std::string_view text);
    json_writer& value(const char* text) { return value(std::string_view(text)); }
    json_writer& value(const std::string& text) { return value(std::string_view(text)); }
    json_writer& value(bool flag);
    json_writer& value(std::int64_t number);
    json_writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
    json_writer& value(double number);
    json_writer& null();

    // A string, or null when empty / absent.
    json_writer& string_or_null(std::string_view text);
    json_writer& value(const std::optional<std::string>& text);
    json_writer& value(const std::optional<bool>& flag);
    json_writer& value(const std::optional<int>& number);
    json_writer& value(const std::vector<std::string>& texts);

    // Shorthand for key(name).value(v).
    template <class T>
    json_writer& member(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& str() const noexcept { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void separate();

    std::string out_;
    bool need_comma_ = false;
};

}  // namespace compshare::detach
