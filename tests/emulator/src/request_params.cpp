#include "request_params.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <array>
#include <charconv>
#include <cmath>

namespace compshare_emulator {
namespace {

std::string form_decode(std::string text) {
    for (char& c : text) {
        if (c == '+') {
            c = ' ';
        }
    }
    std::string decoded;
    try {
        Poco::URI::decode(text, decoded);
    } catch (const Poco::Exception& e) {
        throw bad_request_body("bad percent-encoding in the request: " + e.displayText());
    }
    return decoded;
}

std::string stringify_double(double value) {
    if (!std::isfinite(value)) {
        throw bad_request_body("a JSON number is not finite");
    }
    // Shortest round-trip digits in fixed notation, as Go's FormatFloat(v, 'f', -1, 64); an
    // integral value therefore has no ".0".
    std::array<char, 400> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                std::chars_format::fixed);
    return std::string(buffer.data(), result.ptr);
}

std::string stringify(const Poco::Dynamic::Var& value) {
    if (value.isBoolean()) {
        return value.extract<bool>() ? "true" : "false";
    }
    if (value.type() == typeid(double) || value.type() == typeid(float)) {
        return stringify_double(value.convert<double>());
    }
    return value.convert<std::string>();  // strings as-is, integers in decimal
}

void flatten(const std::string& key, const Poco::Dynamic::Var& value, param_map& params) {
    if (value.isEmpty()) {
        return;  // JSON null: dropped, as the SDKs drop None/null
    }
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto object = value.extract<Poco::JSON::Object::Ptr>();
        for (const auto& [name, member] : *object) {
            flatten(key + "." + name, member, params);
        }
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto array = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            flatten(key + "." + std::to_string(i), array->get(i), params);
        }
    } else {
        params[key] = stringify(value);
    }
}

}  // namespace

void parse_urlencoded(const std::string& text, param_map& params) {
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        if (end > start) {
            const std::string pair = text.substr(start, end - start);
            const std::size_t eq = pair.find('=');
            const std::string key = form_decode(pair.substr(0, eq));
            const std::string value =
                eq == std::string::npos ? std::string() : form_decode(pair.substr(eq + 1));
            if (!key.empty()) {
                params[key] = value;
            }
        }
        start = end + 1;
    }
}

void parse_json_body(const std::string& body, param_map& params) {
    Poco::Dynamic::Var root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(body);
    } catch (const Poco::Exception& e) {
        throw bad_request_body("the request body is not valid JSON: " + e.displayText());
    }
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw bad_request_body("the JSON request body is not an object");
    }
    for (const auto& [name, member] : *root.extract<Poco::JSON::Object::Ptr>()) {
        flatten(name, member, params);
    }
}

param_map parse_request_params(const std::string& raw_query, const std::string& content_type,
                               const std::string& body) {
    param_map params;
    parse_urlencoded(raw_query, params);
    if (body.empty()) {
        return params;
    }
    if (content_type.find("application/json") != std::string::npos) {
        parse_json_body(body, params);
    } else {
        parse_urlencoded(body, params);
    }
    return params;
}

}  // namespace compshare_emulator
