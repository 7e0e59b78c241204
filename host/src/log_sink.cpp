#include "log_sink.hpp"

#include "json_text.hpp"
#include "printable.hpp"

#include <actionhost/json/reader.hpp>
#include <actionhost/json_writer.hpp>

#include <cctype>
#include <optional>
#include <string_view>

namespace actionhost::core {
namespace {

Poco::JSON::Object::Ptr parse_event(std::string_view message) {
    try {
        // The plugin's key order is kept: events read as the plugin wrote them.
        return json::as_object(json::parse(message, {true}));
    } catch (const json::parse_error&) {
        return nullptr;
    }
}

// Whether an event is one JSON object none of whose own members is named ts, level or plugin
// (the names as the reader decodes them, so an escape cannot spell one unseen).
class event_check : public json::handler {
  public:
    bool spliceable() const { return object_ && !reserved_; }

    void begin_object() override {
        object_ = object_ || depth_ == 0;
        ++depth_;
    }
    void end_object() override { --depth_; }
    void begin_array() override { ++depth_; }
    void end_array() override { --depth_; }
    void member_name(std::string_view name) override {
        if (depth_ == 1 && (name == "ts" || name == "level" || name == "plugin"))
            reserved_ = true;
    }

  private:
    int depth_ = 0;
    bool object_ = false;
    bool reserved_ = false;
};

// The plugin's event text as the members after ts, level and plugin, when it can be copied as
// is: printable ASCII only (no line break, nothing a terminal acts on, nothing the writer would
// escape), one JSON object, and none of its members named "ts", "level" or "plugin".
// Everything else takes the parse-and-rebuild path. Copying skips a Poco parse, object build
// and stringify per event (~100k instructions; in a batch more than the plugin's own work).
std::optional<std::string_view> spliceable_members(std::string_view text) {
    // Every byte looked at, without an early exit, into a byte: a loop the compiler turns into
    // vector code (a quarter of the instructions of stopping at the first byte outside).
    unsigned char outside_printable_ascii = 0;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        outside_printable_ascii |= static_cast<unsigned char>(byte < 0x20 || byte > 0x7E);
    }
    if (outside_printable_ascii != 0)
        return std::nullopt;
    event_check check;
    try {
        json::parse(text, check);
    } catch (const json::parse_error&) {
        return std::nullopt;
    }
    if (!check.spliceable())
        return std::nullopt;
    const auto open = text.find('{');
    const auto close = text.rfind('}');
    const auto inner = text.substr(open + 1, close - open - 1);
    const auto first = inner.find_first_not_of(" \t\r\n");
    return first == std::string_view::npos ? std::string_view() : inner.substr(first);
}

}  // namespace

const char* log_sink::level_name(ah_log_level level) {
    switch (level) {
        case AH_LOG_TRACE:
            return "trace";
        case AH_LOG_DEBUG:
            return "debug";
        case AH_LOG_INFO:
            return "info";
        case AH_LOG_WARNING:
            return "warning";
        case AH_LOG_ERROR:
            return "error";
    }
    return "unknown";
}

ah_host_api log_sink::host_api() {
    ah_host_api api{};
    api.struct_size = sizeof(ah_host_api);
    api.api_version = AH_PLUGIN_API_VERSION;
    api.host_ctx = this;
    api.log = &log_sink::callback;
    return api;
}

void log_sink::callback(void* ctx, ah_log_level level, const char* message) {
    // Never let an exception cross back into the plugin.
    try {
        static_cast<log_sink*>(ctx)->write(level, message);
    } catch (...) {
    }
}

std::string log_sink::format(ah_log_level level, const char* message,
                             std::chrono::system_clock::time_point when) const {
    return head() + utc_time_stamp(when) + after_time_stamp(level, message);
}

const char* log_sink::head() const {
    return format_ == log_format::json ? R"({"ts":")" : "";
}

std::string log_sink::after_time_stamp(ah_log_level level, const char* message) const {
    const std::string_view text = message != nullptr ? message : "";
    if (format_ == log_format::json) {
        const auto members = plain_plugin_name_ ? spliceable_members(text) : std::nullopt;
        if (members) {
            std::string rest;
            rest.reserve(48 + plugin_.size() + members->size());
            rest += R"(","level":")";
            rest += level_name(level);
            rest += R"(","plugin":")";
            rest += plugin_;
            rest += '"';
            if (!members->empty()) {
                rest += ',';
                rest += *members;  // ends with the object's last member; '}' was cut
            }
            rest += '}';
            return rest;
        }
    }
    const auto event = parse_event(text);
    if (format_ == log_format::json) {
        json_writer line;
        line.begin_object();
        line.member("level", level_name(level));
        line.member("plugin", plugin_);
        if (!event) {
            // Not one JSON object: keep the text (the writer makes it valid UTF-8).
            line.member("event", "invalid_log_event").member("message", text);
        } else {
            for (const auto& key : event->getNames()) {  // the plugin's order
                if (key == "ts" || key == "level" || key == "plugin")
                    continue;
                line.key(key);
                write_json_value(line, event->get(key));
            }
        }
        line.end_object();
        // {"level":...} follows the time stamp's member: its '{' becomes the stamp's end.
        return "\"," + line.take().substr(1);
    }
    std::string level_text = level_name(level);
    for (auto& c : level_text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string line = ' ' + level_text + ' ' + plugin_;
    if (!event)
        return printable(line + " invalid_log_event: " + std::string(text));
    line += ' ' + event->optValue<std::string>("event", "event") + ": " +
            event->optValue<std::string>("message", "");
    for (const auto& key : event->getNames()) {  // the plugin's order
        if (key == "event" || key == "message")
            continue;
        const auto value = event->get(key);
        line +=
            ' ' + key + '=' + (value.isString() ? value.extract<std::string>() : var_json(value));
    }
    // One event, one line, nothing a terminal acts on, whatever the plugin put in its strings.
    return printable(line);
}

void log_sink::write(ah_log_level level, const char* message) {
    const std::string rest = after_time_stamp(level, message);
    const std::lock_guard<std::mutex> lock(mutex_);
    // One string, one write(2): std::cerr flushes after every <<, so line and newline apart
    // cost two system calls per event.
    std::string line;
    line.reserve(32 + rest.size());
    line += head();
    stamper_.append(line, std::chrono::system_clock::now());
    line += rest;
    line += '\n';
    out_ << line;
    out_.flush();
}

}  // namespace actionhost::core
