#include <actionhost/json/reader.hpp>

#include <actionhost/json_writer.hpp>

#include <Poco/JSON/Array.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <set>

namespace actionhost::json {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

struct failure {
    std::string reason;
    std::size_t offset;
};

class reader {
  public:
    // `build` false: the same checks, nothing built (validate()).
    reader(std::string_view text, parse_options options, bool build)
        : text_(text), options_(options), build_(build) {}

    Var document() {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
            fail_at(
                "starts with a UTF-8 byte-order mark (EF BB BF), which JSON text must not "
                "have: save it as UTF-8 without a BOM",
                0);
        }
        // A NUL byte has no place in JSON text; C callers would stop reading at it.
        if (const auto nul = text_.find('\0'); nul != std::string_view::npos)
            fail_at("contains a NUL byte", nul);
        blanks();
        Var value = parse_value(0);
        blanks();
        if (pos_ != text_.size())
            fail("text after the JSON value");
        return value;
    }

  private:
    [[noreturn]] void fail(std::string reason) const { fail_at(std::move(reason), pos_); }
    [[noreturn]] void fail_at(std::string reason, std::size_t offset) const {
        throw failure{std::move(reason), offset};
    }
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    void expect(char c, const char* what) {
        if (at_end())
            fail(std::string("the text ends where ") + what + " was expected");
        if (text_[pos_] != c)
            fail(std::string(what) + " expected");
        ++pos_;
    }
    void blanks() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++pos_;
    }

    Var parse_value(int depth) {
        if (at_end())
            fail("the text ends where a value was expected");
        switch (peek()) {
            case '{':
                return parse_object(depth + 1);
            case '[':
                return parse_array(depth + 1);
            case '"':
                return parse_string();
            case 't':
                literal("true");
                return true;
            case 'f':
                literal("false");
                return false;
            case 'n':
                literal("null");
                return Var();
            default:
                return parse_number();
        }
    }

    void enter(int depth) const {
        if (depth > options_.max_depth)
            fail("nested deeper than " + std::to_string(options_.max_depth) + " levels");
    }

    Var parse_object(int depth) {
        enter(depth);
        ++pos_;  // '{'
        Poco::JSON::Object::Ptr object;
        std::set<std::string> names;  // only when nothing is built: for the duplicate check
        if (build_)
            object = Poco::makeShared<Object>(options_.preserve_order);
        blanks();
        if (peek() == '}' && !at_end()) {
            ++pos_;
            return object;
        }
        for (;;) {
            blanks();
            if (peek() != '"' || at_end())
                fail(at_end() ? "the text ends where a member name was expected"
                              : "a member name (a string) expected");
            const std::size_t key_at = pos_;
            std::string key = parse_string();
            if (build_ ? object->has(key) : names.count(key) != 0)
                fail_at("duplicate member name " + json_quote(key), key_at);
            blanks();
            expect(':', "':'");
            blanks();
            Var value = parse_value(depth);
            if (build_)
                object->set(key, std::move(value));
            else
                names.insert(std::move(key));
            blanks();
            if (!at_end() && peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}', "',' or '}'");
            return object;
        }
    }

    Var parse_array(int depth) {
        enter(depth);
        ++pos_;  // '['
        Poco::JSON::Array::Ptr array;
        if (build_)
            array = Poco::makeShared<Array>();
        blanks();
        if (peek() == ']' && !at_end()) {
            ++pos_;
            return array;
        }
        for (;;) {
            blanks();
            Var value = parse_value(depth);
            if (build_)
                array->add(std::move(value));
            blanks();
            if (!at_end() && peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']', "',' or ']'");
            return array;
        }
    }

    unsigned hex4() {
        unsigned value = 0;
        for (int i = 0; i < 4; ++i, ++pos_) {
            const char c = peek();
            unsigned digit = 0;
            if (c >= '0' && c <= '9')
                digit = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                digit = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                digit = static_cast<unsigned>(c - 'A' + 10);
            else
                fail(at_end() ? "the text ends inside a \\u escape" : "\\u needs four hex digits");
            value = value * 16 + digit;
        }
        return value;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // A \u escape after the backslash and the 'u' (a surrogate pair takes two).
    unsigned unicode_escape(std::size_t escape_at) {
        const unsigned unit = hex4();
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            fail_at("a lone UTF-16 low surrogate (\\u escape) is not a character", escape_at);
        if (unit < 0xD800 || unit > 0xDBFF)
            return unit;
        if (text_.substr(pos_, 2) != "\\u")
            fail_at("a lone UTF-16 high surrogate (\\u escape) is not a character", escape_at);
        pos_ += 2;
        const unsigned low = hex4();
        if (low < 0xDC00 || low > 0xDFFF)
            fail_at("a lone UTF-16 high surrogate (\\u escape) is not a character", escape_at);
        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }

    std::string parse_string() {
        ++pos_;  // '"'
        std::string out;
        for (;;) {
            // Copy the run of plain bytes at once.
            const std::size_t start = pos_;
            while (!at_end()) {
                const auto c = static_cast<unsigned char>(text_[pos_]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                    break;
                ++pos_;
            }
            out.append(text_.data() + start, pos_ - start);
            if (at_end())
                fail("the text ends inside a string");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20)
                fail("a control character inside a string must be escaped");
            if (c >= 0x80) {
                const std::size_t len = utf8_sequence_length(text_, pos_);
                if (len == 0)
                    fail("invalid UTF-8 (JSON text is UTF-8)");
                out.append(text_.data() + pos_, len);
                pos_ += len;
                continue;
            }
            const std::size_t escape_at = pos_;
            ++pos_;  // '\\'
            const char e = peek();
            if (at_end())
                fail("the text ends inside a string");
            ++pos_;
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out += e;
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u':
                    append_utf8(out, unicode_escape(escape_at));
                    break;
                default:
                    fail_at("invalid escape in a string", escape_at + 1);
            }
        }
    }

    void literal(std::string_view word) {
        for (const char c : word) {
            if (at_end() || peek() != c)
                fail("invalid literal (true, false, null, a number, a string, '{' or '[')");
            ++pos_;
        }
    }

    void digits() {
        if (at_end() || peek() < '0' || peek() > '9')
            fail("a digit expected");
        while (!at_end() && peek() >= '0' && peek() <= '9')
            ++pos_;
    }

    Var parse_number() {
        const std::size_t start = pos_;
        if (peek() == '-')
            ++pos_;
        if (at_end() || peek() < '0' || peek() > '9')
            fail("invalid value (a number, a string, true, false, null, '{' or '[' expected)");
        if (peek() == '0')
            ++pos_;
        else
            digits();
        bool integral = true;
        if (!at_end() && peek() == '.') {
            ++pos_;
            digits();
            integral = false;
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            ++pos_;
            if (!at_end() && (peek() == '+' || peek() == '-'))
                ++pos_;
            digits();
            integral = false;
        }
        const char* first = text_.data() + start;
        const char* last = text_.data() + pos_;
        if (integral) {
            std::int64_t value = 0;
            if (std::from_chars(first, last, value).ec == std::errc()) {
                if (value >= std::numeric_limits<int>::min() &&
                    value <= std::numeric_limits<int>::max())
                    return static_cast<int>(value);
                return static_cast<Poco::Int64>(value);
            }
            std::uint64_t unsigned_value = 0;
            if (*first != '-' && std::from_chars(first, last, unsigned_value).ec == std::errc())
                return static_cast<Poco::UInt64>(unsigned_value);
        }
        double value = 0;
        const auto [end, ec] = std::from_chars(first, last, value);
        if (ec != std::errc() || end != last)
            fail_at("a number beyond the range of a double", start);
        return value;
    }

    std::string_view text_;
    parse_options options_;
    bool build_;
    std::size_t pos_ = 0;
};

}  // namespace

parse_error::parse_error(std::string reason, std::size_t offset, std::size_t line,
                         std::size_t column)
    : std::runtime_error("invalid JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + reason),
      reason_(std::move(reason)),
      offset_(offset),
      line_(line),
      column_(column) {}

std::string parse_error::where() const {
    return "line " + std::to_string(line_) + ", column " + std::to_string(column_);
}

namespace {

Var read(std::string_view text, parse_options options, bool build) {
    try {
        return reader(text, options, build).document();
    } catch (const failure& f) {
        std::size_t line = 1;
        std::size_t column = 1;
        for (std::size_t i = 0; i < f.offset && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        throw parse_error(f.reason, f.offset, line, column);
    }
}

}  // namespace

Var parse(std::string_view text, parse_options options) {
    return read(text, options, true);
}

void validate(std::string_view text, parse_options options) {
    read(text, options, false);
}

const char* kind_of(const Var& value) {
    if (value.isEmpty())
        return "null";
    if (value.type() == typeid(Object::Ptr))
        return "an object";
    if (value.type() == typeid(Array::Ptr))
        return "an array";
    if (value.isString())
        return "a string";
    if (value.isBoolean())
        return "a boolean";
    return "a number";
}

Object::Ptr as_object(const Var& value) {
    return value.type() == typeid(Object::Ptr) ? value.extract<Object::Ptr>() : nullptr;
}

}  // namespace actionhost::json
