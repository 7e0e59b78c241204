#include "log_sink.hpp"

#include "json_text.hpp"
#include "printable.hpp"

#include <actionhost/json/reader.hpp>
#include <actionhost/json_writer.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string_view>

namespace actionhost::core {
namespace {

std::string iso_time(std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(when.time_since_epoch()).count() % 1000;
    const std::time_t seconds = system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

Poco::JSON::Object::Ptr parse_event(const char* message) {
    try {
        // The plugin's key order is kept: events read as the plugin wrote them.
        return json::as_object(json::parse(message, {true}));
    } catch (const json::parse_error&) {
        return nullptr;
    }
}

// The plugin's event text as the members after ts, level and plugin, when it can be copied as
// is: one JSON object (checked by json::validate, which builds nothing), printable ASCII only
// (so no invalid UTF-8 and no \\u escapes that could spell a reserved key), and none of "ts",
// "level", "plugin" anywhere.
// Everything else takes the parse-and-rebuild path. Copying skips a Poco parse, object build
// and stringify per event (~100k instructions; in a batch more than the plugin's own work).
std::optional<std::string_view> spliceable_members(std::string_view text) {
    for (const char c : text) {
        if (c < 0x20 || c > 0x7E)
            return std::nullopt;
    }
    for (const char* reserved : {"\\u", "\"ts\"", "\"level\"", "\"plugin\""}) {
        if (text.find(reserved) != std::string_view::npos)
            return std::nullopt;
    }
    if (!json_object_problem(text).empty())
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
    const std::string text = message != nullptr ? message : "";
    if (format_ == log_format::json) {
        // Plugin names are [a-z0-9][a-z0-9_-]* (the manifest rule): nothing to escape.
        const bool plain_name = plugin_.find_first_not_of(
                                    "abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
        const auto members = plain_name ? spliceable_members(text) : std::nullopt;
        if (members) {
            std::string line = R"({"ts":")" + iso_time(when) + R"(","level":")" +
                               level_name(level) + R"(","plugin":")" + plugin_ + '"';
            if (!members->empty()) {
                line += ',';
                line += *members;  // ends with the object's last member; '}' was cut
            }
            line += '}';
            return line;
        }
    }
    const auto event = parse_event(text.c_str());
    if (format_ == log_format::json) {
        json_writer line;
        line.begin_object();
        line.member("ts", iso_time(when)).member("level", level_name(level));
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
        return line.take();
    }
    std::string level_text = level_name(level);
    for (auto& c : level_text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string line = iso_time(when) + ' ' + level_text + ' ' + plugin_;
    if (!event)
        return printable(line + " invalid_log_event: " + text);
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
    // One string, one write(2): std::cerr flushes after every <<, so line and newline apart
    // cost two system calls per event.
    std::string line = format(level, message, std::chrono::system_clock::now());
    line += '\n';
    const std::lock_guard<std::mutex> lock(mutex_);
    out_ << line;
    out_.flush();
}

}  // namespace actionhost::core
