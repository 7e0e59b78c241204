#include "log_sink.hpp"

#include "json_text.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <sstream>

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
        Poco::JSON::Parser parser;
        auto value = parser.parse(message);
        if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
            return value.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::Exception&) {
    }
    return nullptr;
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
    auto event = parse_event(text.c_str());
    if (format_ == log_format::json) {
        Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
        line.set("ts", iso_time(when));
        line.set("level", level_name(level));
        line.set("plugin", plugin_);
        if (event) {
            for (const auto& [key, value] : *event) {
                if (key != "ts" && key != "level" && key != "plugin")
                    line.set(key, value);
            }
        } else {
            line.set("event", "invalid_log_event");
            line.set("message", text);
        }
        return to_json(line);
    }
    std::string level_text = level_name(level);
    for (auto& c : level_text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::ostringstream out;
    out << iso_time(when) << ' ' << level_text << ' ' << plugin_;
    if (!event) {
        out << " invalid_log_event: " << text;
        return out.str();
    }
    out << ' ' << event->optValue<std::string>("event", "event") << ": "
        << event->optValue<std::string>("message", "");
    for (const auto& [key, value] : *event) {
        if (key == "event" || key == "message")
            continue;
        std::string shown;
        if (value.isString()) {
            shown = value.convert<std::string>();
        } else {
            std::ostringstream json;
            Poco::JSON::Stringifier::stringify(value, json);
            shown = json.str();
        }
        out << ' ' << key << '=' << shown;
    }
    // One event, one line, whatever the plugin put in its strings.
    std::string line = out.str();
    for (auto& c : line) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    return line;
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
