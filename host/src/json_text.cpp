#include "json_text.hpp"

#include "host_error.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace actionhost::core {
namespace {

enum class prefix_state { complete, incomplete, wrong };

// Poco's parser reports no position, so the position is found by parsing prefixes: a prefix
// that stops before the first wrong byte is only incomplete.
prefix_state classify(std::string_view text) {
    try {
        Poco::JSON::Parser parser;
        parser.parse(std::string(text));
        return prefix_state::complete;
    } catch (const Poco::Exception& e) {
        const std::string& m = e.message();
        // The parser reads the end of its input as a NUL/EOF byte ("unexpected byte '\xff'").
        const bool at_end = m.find("end of text") != std::string::npos ||
                            m.find("unterminated") != std::string::npos ||
                            m.find('\0') != std::string::npos ||
                            m.find('\xff') != std::string::npos;
        return at_end ? prefix_state::incomplete : prefix_state::wrong;
    }
}

}  // namespace

std::string json_error_location(std::string_view text) {
    const prefix_state whole = classify(text);
    if (whole == prefix_state::complete)
        return "";
    std::size_t offset = text.size();  // incomplete: the error is at the end
    if (whole == prefix_state::wrong) {
        // Binary search for the shortest wrong prefix; its last byte is the culprit.
        std::size_t lo = 1, hi = text.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (classify(text.substr(0, mid)) == prefix_state::wrong) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        offset = lo - 1;
    }
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Poco::JSON::Object::Ptr parse_json_object(std::string_view text, const std::string& what,
                                          std::string_view error_type) {
    if (text.find('\0') != std::string_view::npos) {
        throw host_error(error_type, what + ": invalid JSON: contains a NUL byte");
    }
    Poco::Dynamic::Var value;
    try {
        Poco::JSON::Parser parser;
        value = parser.parse(std::string(text));
    } catch (const Poco::Exception& e) {
        const std::string where = json_error_location(text);
        throw host_error(
            error_type,
            what + ": invalid JSON" + (where.empty() ? "" : " at " + where) + ": " + e.message());
    }
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw host_error(error_type, what + ": must be a JSON object, not " +
                                         (value.isEmpty()    ? std::string("null")
                                          : value.isArray()  ? std::string("an array")
                                          : value.isString() ? std::string("a string")
                                                             : std::string("a scalar")));
    }
    return value.extract<Poco::JSON::Object::Ptr>();
}

std::string to_json(const Poco::JSON::Object& object, unsigned indent) {
    std::ostringstream out;
    object.stringify(out, indent);
    return out.str();
}

std::string pretty_json(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        auto value = parser.parse(json);
        std::ostringstream out;
        if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
            value.extract<Poco::JSON::Object::Ptr>()->stringify(out, 2);
            return out.str();
        }
    } catch (const Poco::Exception&) {
    }
    return json;
}

std::string error_result(std::string_view type, std::string_view message) {
    Poco::JSON::Object error(Poco::JSON_PRESERVE_KEY_ORDER);
    error.set("type", std::string(type));
    error.set("message", std::string(message));
    error.set("retryable", false);
    Poco::JSON::Object result(Poco::JSON_PRESERVE_KEY_ORDER);
    result.set("ok", false);
    result.set("error", error);
    return to_json(result);
}

std::string result_error_type(std::string_view result_json) {
    try {
        Poco::JSON::Parser parser;
        auto value = parser.parse(std::string(result_json));
        auto object = value.extract<Poco::JSON::Object::Ptr>();
        auto error = object ? object->getObject("error") : nullptr;
        if (error && error->has("type"))
            return error->getValue<std::string>("type");
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    return "";
}

}  // namespace actionhost::core
