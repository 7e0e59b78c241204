// The one tokenizer of actionhost::json: every check and every error position is here; parse()
// to a DOM is a handler of its events (reader.cpp), validate() reads with no handler at all.
#include <actionhost/json/handler.hpp>
#include <actionhost/json/reader.hpp>

#include <actionhost/json_writer.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <forward_list>
#include <functional>
#include <optional>
#include <set>
#include <type_traits>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace actionhost::json {
namespace {

struct failure {
    std::string reason;
    std::size_t offset;
};

// The bytes where a string's run of plain bytes stops: the quote, the backslash, control
// characters, and the first byte of a multi-byte UTF-8 sequence (checked on its own).
constexpr std::array<bool, 256> ends_plain_run = [] {
    std::array<bool, 256> table{};
    for (std::size_t c = 0; c < table.size(); ++c)
        table[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
    return table;
}();

// The bytes of ends_plain_run among the eight at p, each marked by its high bit in the result:
// SWAR (eight bytes in one word), with no carry from one byte into the next, so every mark is
// exact.
std::uint64_t run_stops(const char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    constexpr std::uint64_t ones = 0x0101010101010101;
    constexpr std::uint64_t highs = ones * 0x80;
    const std::uint64_t low7 = word & ~highs;  // each byte at most 0x7F: adding 0x7F cannot carry
    const std::uint64_t not_control = low7 + ones * (0x80 - 0x20);        // high bit: at least 0x20
    const std::uint64_t not_quote = (low7 ^ (ones * '"')) + ones * 0x7F;  // high bit: not zero
    const std::uint64_t not_backslash = (low7 ^ (ones * '\\')) + ones * 0x7F;
    return ~(not_control & not_quote & not_backslash & ~word) & highs;
}

// How many bytes come before the first one that run_stops() marked.
std::size_t plain_before_mark(std::uint64_t marks) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return static_cast<std::size_t>(__builtin_ctzll(marks)) / 8;
#else
    unsigned char bytes[sizeof marks];
    std::memcpy(bytes, &marks, sizeof marks);
    std::size_t i = 0;
    while ((bytes[i] & 0x80) == 0)
        ++i;
    return i;
#endif
}

// validate()'s events: none, inlined away instead of a virtual call per token.
struct no_events {
    void begin_object() {}
    void member_name(std::string_view /*name*/) {}
    void end_object() {}
    void begin_array() {}
    void end_array() {}
    void string_value(std::string_view /*value*/) {}
    void number_value(const number& /*value*/) {}
    void boolean_value(bool /*value*/) {}
    void null_value() {}
};

// The member names of the open objects, innermost last: in place while they are few (a
// document's malloc and free cost as much as reading a log event's names), in a vector after.
class name_stack {
  public:
    std::size_t size() const { return size_; }
    const std::string_view* begin() const { return spilled_ ? many_.data() : few_.data(); }
    const std::string_view* end() const { return begin() + size_; }
    void resize(std::size_t smaller) { size_ = smaller; }
    void push_back(std::string_view name) {
        if (!spilled_ && size_ < few_.size()) {
            few_[size_++] = name;
            return;
        }
        if (!spilled_)
            many_.assign(few_.begin(), few_.begin() + size_);
        spilled_ = true;
        many_.resize(size_);
        many_.push_back(name);
        ++size_;
    }

  private:
    std::array<std::string_view, 32> few_;
    std::vector<std::string_view> many_;
    bool spilled_ = false;
    std::size_t size_ = 0;
};

// Events is json::handler (virtual calls, for parse()) or no_events (for validate()): one
// template, so a check written here holds for both.
template <class Events>
class tokenizer {
  public:
    tokenizer(std::string_view text, parse_options options, Events& events)
        : text_(text), options_(options), events_(events) {}

    void document() {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
            // Thrown here, not by fail_at(): this error comes before a NUL's.
            throw failure{
                "starts with a UTF-8 byte-order mark (EF BB BF), which JSON text must not "
                "have: save it as UTF-8 without a BOM",
                0};
        }
        // A NUL byte has no place in JSON text; C callers would stop reading at it. Any error
        // is reported as the first NUL when there is one (fail_at), and a text with a NUL never
        // reads without an error (the byte is no token, no blank, refused in a string): with no
        // handler to keep its events from, validate() searches for it only then.
        if constexpr (reads_values)
            refuse_nul();
        blanks();
        parse_value(0);
        blanks();
        if (pos_ != text_.size())
            fail("text after the JSON value");
    }

  private:
    static constexpr bool reads_values = !std::is_same_v<Events, no_events>;  // not validate()

    void refuse_nul() const {
        if (const auto nul = text_.find('\0'); nul != std::string_view::npos)
            throw failure{"contains a NUL byte", nul};
    }
    [[noreturn]] void fail(std::string reason) const { fail_at(std::move(reason), pos_); }
    [[noreturn]] void fail_at(std::string reason, std::size_t offset) const {
        refuse_nul();
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
        if (at_end() || static_cast<unsigned char>(text_[pos_]) > ' ')
            return;  // the usual case between tokens: no blank at all
        // Through a local pointer: a char store may alias pos_, which would be reloaded per byte.
        const char* p = text_.data() + pos_;
        const char* const end = text_.data() + text_.size();
        while (p != end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
            ++p;
        pos_ = static_cast<std::size_t>(p - text_.data());
    }

    void parse_value(int depth) {
        if (at_end())
            fail("the text ends where a value was expected");
        switch (peek()) {
            case '{':
                return parse_object(depth + 1);
            case '[':
                return parse_array(depth + 1);
            case '"':
                return events_.string_value(parse_string());
            case 't':
                literal("true");
                return events_.boolean_value(true);
            case 'f':
                literal("false");
                return events_.boolean_value(false);
            case 'n':
                literal("null");
                return events_.null_value();
            default:
                return events_.number_value(parse_number());
        }
    }

    void enter(int depth) const {
        if (depth > options_.max_depth)
            fail("nested deeper than " + std::to_string(options_.max_depth) + " levels");
    }

    void parse_object(int depth) {
        enter(depth);
        ++pos_;  // '{'
        events_.begin_object();
        if (closes_at_once('}'))
            return events_.end_object();
        object_names names{names_.size(), 0, {}};
        for (;;) {
            blanks();
            if (peek() != '"' || at_end())
                fail(at_end() ? "the text ends where a member name was expected"
                              : "a member name (a string) expected");
            const std::size_t key_at = pos_;
            const std::string_view key = parse_string();
            if (!new_name(kept(key), names))
                fail_at("duplicate member name " + json_quote(key), key_at);
            events_.member_name(key);
            blanks();
            expect(':', "':'");
            blanks();
            // A string, the usual value of a member, without the call (and the registers it
            // saves) of parse_value.
            if (peek() == '"')
                events_.string_value(parse_string());
            else
                parse_value(depth);
            if (!another('}', "',' or '}'")) {
                names_.resize(names.first);
                return events_.end_object();
            }
        }
    }

    // One open object's names: names_ from `first` on (the objects inside it are done with
    // theirs before its next member). A name is compared with the others only when its bit is
    // already in `bits` (most names differ in length or in one of the bytes name_bit reads);
    // past a few names, a set keeps the check from going quadratic on a hostile document.
    struct object_names {
        std::size_t first;
        std::uint64_t bits = 0;
        std::optional<std::set<std::string_view>> many;
    };

    static std::uint64_t name_bit(std::string_view name) {
        if (name.empty())
            return 1;
        const auto at = [name](std::size_t i) { return static_cast<unsigned char>(name[i]); };
        const std::size_t n = name.size();
        return std::uint64_t{1} << ((n + at(0) + 3 * at(n / 2) + 7 * at(n - 1)) & 63);
    }

    // False when the object already has `name`.
    bool new_name(std::string_view name, object_names& object) {
        if (object.many)
            return object.many->insert(name).second;
        const std::uint64_t bit = name_bit(name);
        if ((object.bits & bit) != 0 &&
            std::find(names_.begin() + object.first, names_.end(), name) != names_.end())
            return false;
        object.bits |= bit;
        names_.push_back(name);
        constexpr std::size_t few = 32;
        if (names_.size() - object.first == few)
            object.many.emplace(names_.begin() + object.first, names_.end());
        return true;
    }

    void parse_array(int depth) {
        enter(depth);
        ++pos_;  // '['
        events_.begin_array();
        if (closes_at_once(']'))
            return events_.end_array();
        for (;;) {
            blanks();
            parse_value(depth);
            if (!another(']', "',' or ']'"))
                return events_.end_array();
        }
    }

    // Right after '{' or '[': true, and past it, when `close` follows at once (empty).
    bool closes_at_once(char close) {
        blanks();
        if (at_end() || peek() != close)
            return false;
        ++pos_;
        return true;
    }

    // After a member or an element: true past a ',' (another one follows), false past `close`.
    bool another(char close, const char* what) {
        blanks();
        if (!at_end() && peek() == ',') {
            ++pos_;
            return true;
        }
        expect(close, what);
        return false;
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

    // A member name that stays valid for the whole document: the text's own bytes, or a copy
    // of a name that had escapes (decoded in scratch_, which the next string overwrites).
    std::string_view kept(std::string_view name) {
        if (name.data() >= text_.data() && name.data() < text_.data() + text_.size())
            return name;
        return decoded_names_.emplace_front(name);
    }

    // The decoded string: a view of the text itself when it has no escape (the usual case),
    // else of scratch_, valid until the next string is read.
    std::string_view parse_string() {
        ++pos_;  // '"'
        const std::size_t start = pos_;
        plain_run();
        if (!at_end() && text_[pos_] == '"') {
            ++pos_;
            return {text_.data() + start, pos_ - 1 - start};
        }
        return rest_of_string(start);
    }

    // Past the run of plain bytes at pos_ (through a local pointer, as in blanks()).
    void plain_run() {
        const char* p = text_.data() + pos_;
        const char* const end = text_.data() + text_.size();
#ifdef __SSE2__
        // Sixteen bytes a step on x86-64 (SSE2 is part of it). A signed compare with 0x20 finds
        // both the control characters and the bytes from 0x80 on (negative).
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        for (; end - p >= 16; p += 16) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i stops = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                _mm_cmplt_epi8(bytes, space));
            if (const int mask = _mm_movemask_epi8(stops)) {
                pos_ = static_cast<std::size_t>(p + __builtin_ctz(static_cast<unsigned>(mask)) -
                                                text_.data());
                return;
            }
        }
#endif
        for (; end - p >= 8; p += 8) {
            if (const std::uint64_t stops = run_stops(p)) {
                pos_ = static_cast<std::size_t>(p + plain_before_mark(stops) - text_.data());
                return;
            }
        }
        while (p != end && !ends_plain_run[static_cast<unsigned char>(*p)])
            ++p;
        pos_ = static_cast<std::size_t>(p - text_.data());
    }

    // A string from its first byte that is not plain (at pos_) on: escapes, UTF-8 sequences
    // and the errors. Out of line: the usual string then needs no registers saved for it.
    [[gnu::noinline]] std::string_view rest_of_string(std::size_t start) {
        bool decoded = false;  // an escape was met: the string so far is in scratch_
        for (;;) {
            if (at_end())
                fail("the text ends inside a string");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return decoded ? std::string_view(scratch_) : text_.substr(start, pos_ - 1 - start);
            }
            if (c < 0x20)
                fail("a control character inside a string must be escaped");
            if (c >= 0x80) {
                const std::size_t len = utf8_sequence_length(text_, pos_);
                if (len == 0)
                    fail("invalid UTF-8 (JSON text is UTF-8)");
                if (decoded)
                    scratch_.append(text_.data() + pos_, len);
                pos_ += len;
            } else {
                if (!decoded) {
                    scratch_.assign(text_.data() + start, pos_ - start);
                    decoded = true;
                }
                escape();
            }
            const std::size_t run = pos_;
            plain_run();
            if (decoded)
                scratch_.append(text_.data() + run, pos_ - run);
        }
    }

    // One escape, from its backslash, appended to scratch_.
    void escape() {
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
                scratch_ += e;
                break;
            case 'b':
                scratch_ += '\b';
                break;
            case 'f':
                scratch_ += '\f';
                break;
            case 'n':
                scratch_ += '\n';
                break;
            case 'r':
                scratch_ += '\r';
                break;
            case 't':
                scratch_ += '\t';
                break;
            case 'u':
                append_utf8(scratch_, unicode_escape(escape_at));
                break;
            default:
                fail_at("invalid escape in a string", escape_at + 1);
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

    json::number parse_number() {
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
        json::number out;
        // validate() needs no value, and an integer of up to 300 digits is a double at worst.
        if (!reads_values && integral && last - first <= 300)
            return out;
        if (integral) {
            if (std::from_chars(first, last, out.integer).ec == std::errc())
                return out;
            if (*first != '-' &&
                std::from_chars(first, last, out.unsigned_integer).ec == std::errc()) {
                out.type = json::number::kind::unsigned_integer;
                return out;
            }
        }
        out.type = json::number::kind::floating;
        const auto [end, ec] = std::from_chars(first, last, out.floating);
        if (ec != std::errc() || end != last)
            fail_at("a number beyond the range of a double", start);
        return out;
    }

    std::string_view text_;
    parse_options options_;
    Events& events_;
    std::size_t pos_ = 0;
    std::string scratch_;                           // a string with escapes, decoded
    std::forward_list<std::string> decoded_names_;  // names with escapes, for names_ (stable)
    name_stack names_;
};

template <class Events>
void read(std::string_view text, Events& events, parse_options options) {
    try {
        tokenizer<Events>(text, options, events).document();
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

void parse(std::string_view text, handler& events, parse_options options) {
    read(text, events, options);
}

void validate(std::string_view text, parse_options options) {
    no_events nothing;
    read(text, nothing, options);
}

}  // namespace actionhost::json
