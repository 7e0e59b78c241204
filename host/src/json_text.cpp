#include "json_text.hpp"

#include "host_error.hpp"

#include <actionhost/json/reader.hpp>

#include <actionhost/json_writer.hpp>

#include <Poco/Dynamic/Var.h>

#include <cctype>
#include <sstream>

namespace actionhost::core {

std::string json_error_location(std::string_view text) {
    try {
        json::validate(text);
        return "";
    } catch (const json::parse_error& e) {
        return e.where();
    }
}

namespace {

// What kind of value a valid JSON text is, in json::kind_of's words: its first non-blank byte
// says.
const char* kind_of_valid(std::string_view valid_json) {
    switch (valid_json[valid_json.find_first_not_of(" \t\r\n")]) {
        case '{':
            return "an object";
        case '[':
            return "an array";
        case '"':
            return "a string";
        case 'n':
            return "null";
        case 't':
        case 'f':
            return "a boolean";
        default:
            return "a number";
    }
}

}  // namespace

host_error invalid_json(const std::string& what, std::string_view error_type,
                        const json::parse_error& e) {
    // The reason may quote a member name: capped, an input can be 1 MiB.
    return host_error(error_type,
                      what + ": invalid JSON at " + e.where() + ": " + e.reason().substr(0, 200));
}

std::string json_object_problem(std::string_view text) {
    try {
        json::validate(text);
    } catch (const json::parse_error& e) {
        return e.what();
    }
    const std::string kind = kind_of_valid(text);
    return kind == "an object" ? "" : "valid JSON but " + kind + ", not a JSON object";
}

void check_json_object(std::string_view text, const std::string& what,
                       std::string_view error_type) {
    try {
        json::validate(text);
    } catch (const json::parse_error& e) {
        throw invalid_json(what, error_type, e);
    }
    const std::string kind = kind_of_valid(text);
    if (kind != "an object")
        throw host_error(error_type, what + ": must be a JSON object, not " + kind);
}

Poco::JSON::Object::Ptr parse_json_object(std::string_view text, const std::string& what,
                                          std::string_view error_type) {
    Poco::Dynamic::Var value;
    try {
        value = json::parse(text);
    } catch (const json::parse_error& e) {
        throw invalid_json(what, error_type, e);
    }
    auto object = json::as_object(value);
    if (!object) {
        throw host_error(error_type, what + ": must be a JSON object, not " + json::kind_of(value));
    }
    return object;
}

std::string indent_json(std::string_view json, unsigned indent) {
    if (!json_error_location(json).empty())
        return std::string(json);
    std::string out;
    out.reserve(json.size() * 2);
    std::size_t depth = 0;
    const auto newline = [&] {
        out += '\n';
        out.append(depth * indent, ' ');
    };
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        switch (c) {
            case '"': {  // copy the whole string: brackets and commas inside it are text
                const std::size_t start = i;
                for (++i; i < json.size() && json[i] != '"'; ++i) {
                    if (json[i] == '\\')
                        ++i;
                }
                out.append(json.substr(start, i - start + 1));
                break;
            }
            case '{':
            case '[': {
                out += c;
                const auto next = json.find_first_not_of(" \t\r\n", i + 1);
                if (next != std::string_view::npos && (json[next] == '}' || json[next] == ']')) {
                    out += json[next];  // {} and [] stay on one line
                    i = next;
                    break;
                }
                ++depth;
                newline();
                break;
            }
            case '}':
            case ']':
                --depth;
                newline();
                out += c;
                break;
            case ',':
                out += c;
                newline();
                break;
            case ':':
                out += ": ";
                break;
            case ' ':
            case '\t':
            case '\r':
            case '\n':
                break;  // the input's own blanks
            default:
                out += c;
        }
    }
    return out;
}

void write_json_value(json_writer& out, const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) {
        out.null();
    } else if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto object = value.extract<Poco::JSON::Object::Ptr>();
        out.begin_object();
        // getNames() keeps the document's order when the object was parsed to keep it.
        for (const auto& key : object->getNames()) {
            out.key(key);
            write_json_value(out, object->get(key));
        }
        out.end_object();
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto array = value.extract<Poco::JSON::Array::Ptr>();
        out.begin_array();
        for (const auto& element : *array)
            write_json_value(out, element);
        out.end_array();
    } else if (value.isBoolean()) {
        out.value(value.extract<bool>());
    } else if (value.isString()) {
        out.value(value.extract<std::string>());
    } else if (value.isInteger()) {
        if (value.isSigned())
            out.value(value.convert<long long>());
        else
            out.value(value.convert<unsigned long long>());
    } else if (value.isNumeric()) {
        out.value(value.convert<double>());
    } else {
        out.value(value.convert<std::string>());
    }
}

std::string var_json(const Poco::Dynamic::Var& value) {
    json_writer out;
    write_json_value(out, value);
    return out.take();
}

std::string error_result(std::string_view type, std::string_view message) {
    json_writer out;
    out.begin_object().member("ok", false).key("error").begin_object();
    out.member("type", type).member("message", message).member("retryable", false);
    out.end_object().end_object();
    return out.take();
}

std::string result_error_type(std::string_view result_json) {
    try {
        const auto object = json::as_object(json::parse(result_json));
        const auto error = object ? object->getObject("error") : nullptr;
        if (error && error->has("type") && error->get("type").isString())
            return error->getValue<std::string>("type");
    } catch (const json::parse_error&) {
    }
    return "";
}

}  // namespace actionhost::core
