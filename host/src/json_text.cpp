#include "json_text.hpp"

#include "host_error.hpp"

#include <actionhost/json_writer.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <sstream>

namespace actionhost::core {
namespace {

// A strict JSON (RFC 8259) syntax scanner. Poco's parser reports no position, so on a parse error
// this finds the offset of the first wrong byte (the end of the text when it is only incomplete).
class syntax_scanner {
    struct syntax_error {
        std::size_t offset;
    };

  public:
    explicit syntax_scanner(std::string_view text) : text_(text) {}

    // The offset of the first error, or npos when the text is one valid JSON value.
    std::size_t first_error() {
        try {
            blanks();
            value(0);
            blanks();
            if (pos_ != text_.size())
                return pos_;  // text after the value
            return std::string_view::npos;
        } catch (const syntax_error& e) {
            return e.offset;
        }
    }

  private:
    [[noreturn]] void fail() const { throw syntax_error{pos_}; }
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool at_end() const { return pos_ >= text_.size(); }
    void expect(char c) {
        if (at_end() || text_[pos_] != c)
            fail();
        ++pos_;
    }
    void blanks() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            ++pos_;
        }
    }
    void value(int depth) {
        if (depth > 1000)
            fail();
        switch (peek()) {
            case '{':
                object(depth);
                break;
            case '[':
                array(depth);
                break;
            case '"':
                string();
                break;
            case 't':
                literal("true");
                break;
            case 'f':
                literal("false");
                break;
            case 'n':
                literal("null");
                break;
            default:
                number();
        }
    }
    void object(int depth) {
        expect('{');
        blanks();
        if (peek() == '}' && !at_end()) {
            ++pos_;
            return;
        }
        for (;;) {
            blanks();
            string();
            blanks();
            expect(':');
            blanks();
            value(depth + 1);
            blanks();
            if (!at_end() && peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}');
            return;
        }
    }
    void array(int depth) {
        expect('[');
        blanks();
        if (peek() == ']' && !at_end()) {
            ++pos_;
            return;
        }
        for (;;) {
            blanks();
            value(depth + 1);
            blanks();
            if (!at_end() && peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']');
            return;
        }
    }
    void string() {
        expect('"');
        for (;;) {
            if (at_end())
                fail();
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return;
            }
            if (c < 0x20)
                fail();
            if (c >= 0x80) {
                const std::size_t len = utf8_sequence_length(text_, pos_);
                if (len == 0)
                    fail();  // not UTF-8: JSON text is UTF-8 (RFC 8259, section 8.1)
                pos_ += len;
                continue;
            }
            if (c == '\\') {
                ++pos_;
                const char e = peek();
                if (at_end() || std::string_view("\"\\/bfnrtu").find(e) == std::string_view::npos) {
                    fail();
                }
                ++pos_;
                if (e == 'u') {
                    for (int i = 0; i < 4; ++i) {
                        if (!std::isxdigit(static_cast<unsigned char>(peek())) || at_end())
                            fail();
                        ++pos_;
                    }
                }
                continue;
            }
            ++pos_;
        }
    }
    void literal(std::string_view word) {
        for (const char c : word)
            expect(c);
    }
    void digits() {
        if (at_end() || !std::isdigit(static_cast<unsigned char>(peek())))
            fail();
        while (!at_end() && std::isdigit(static_cast<unsigned char>(peek())))
            ++pos_;
    }
    void number() {
        if (peek() == '-' && !at_end())
            ++pos_;
        if (peek() == '0' && !at_end()) {
            ++pos_;
        } else {
            digits();
        }
        if (!at_end() && peek() == '.') {
            ++pos_;
            digits();
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            ++pos_;
            if (!at_end() && (peek() == '+' || peek() == '-'))
                ++pos_;
            digits();
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string json_error_location(std::string_view text) {
    const std::size_t offset = syntax_scanner(text).first_error();
    if (offset == std::string_view::npos)
        return "";
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

// What a valid JSON text that is not an object is, for the error message.
std::string kind_of(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    const char c = first == std::string_view::npos ? '\0' : text[first];
    switch (c) {
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

std::string json_object_problem(std::string_view text) {
    const std::string where = json_error_location(text);
    if (!where.empty())
        return "invalid JSON at " + where;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || text[first] != '{') {
        return "valid JSON but " + kind_of(text) + ", not a JSON object";
    }
    return "";
}

Poco::JSON::Object::Ptr parse_json_object(std::string_view text, const std::string& what,
                                          std::string_view error_type) {
    if (text.find('\0') != std::string_view::npos) {
        throw host_error(error_type, what + ": invalid JSON: contains a NUL byte");
    }
    const auto fail_kind = [&] {
        throw host_error(error_type, what + ": must be a JSON object, not " + kind_of(text));
    };
    Poco::Dynamic::Var value;
    try {
        Poco::JSON::Parser parser;
        value = parser.parse(std::string(text));
    } catch (const Poco::Exception& e) {
        const std::string where = json_error_location(text);
        // Poco cannot parse some valid non-object texts (a bare string); the scanner knows.
        // An object the scanner accepts but Poco refuses (invalid UTF-8, a number out of
        // range, nesting deeper than Poco allows) is invalid JSON, not "not an object".
        if (where.empty()) {
            const auto first = text.find_first_not_of(" \t\r\n");
            if (first == std::string_view::npos || text[first] != '{')
                fail_kind();
            // Poco's message may quote the offending number: capped, an input can be 1 MiB.
            const std::string message = e.message().substr(0, 120);
            throw host_error(error_type, what + ": invalid JSON: " + message);
        }
        throw host_error(error_type, what + ": invalid JSON at " + where + ": " + e.message());
    }
    if (value.type() != typeid(Poco::JSON::Object::Ptr))
        fail_kind();
    return value.extract<Poco::JSON::Object::Ptr>();
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
        for (const auto& [key, member] : *object) {
            out.key(key);
            write_json_value(out, member);
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
