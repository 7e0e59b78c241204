#include "response.hpp"

#include <actionhost/json/handler.hpp>
#include <actionhost/json/members.hpp>
#include <actionhost/json/reader.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace compshare {

namespace {

using actionhost::json::member;

int ret_code_of(const member& value) {
    const auto fits = [](double v) {
        return v == std::floor(v) && v >= std::numeric_limits<int>::min() &&
               v <= std::numeric_limits<int>::max();
    };
    if (value.type == member::kind::string) {
        // Some gateways quote it ("RetCode":"171"); only plain decimal digits are taken.
        const auto& text = value.text;
        std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
        if (text.size() == i || text.size() - i > 10)
            throw bad_response_error("RetCode is not a number");
        for (std::size_t k = i; k < text.size(); ++k) {
            if (text[k] < '0' || text[k] > '9')
                throw bad_response_error("RetCode is not a number");
        }
        const double v = std::stod(text);
        if (!fits(v))
            throw bad_response_error("RetCode is out of range");
        return static_cast<int>(v);
    }
    if (value.type != member::kind::number)
        throw bad_response_error("RetCode is not a number");
    const double v = value.number.as_double();
    if (!fits(v))
        throw bad_response_error("RetCode is not an integer");
    return static_cast<int>(v);
}

// RetCode, Message and Action among the document's own members, taken as they are read: no
// list of members to build and sort for three names. Deeper values only move the depth.
class reply_fields : public actionhost::json::handler {
  public:
    bool is_object = false;
    member ret_code;                     // kind null when absent
    std::optional<std::string> message;  // when a string
    std::optional<std::string> action;   // when a string

    void begin_object() override {
        if (depth_ == 0)
            is_object = true;
        else
            take_kind(member::kind::object);
        ++depth_;
    }
    void member_name(std::string_view name) override {
        if (depth_ == 1 && is_object)
            wanted_ = name == "RetCode"   ? field::ret_code
                      : name == "Message" ? field::message
                      : name == "Action"  ? field::action
                                          : field::none;
    }
    void end_object() override { --depth_; }
    void begin_array() override {
        take_kind(member::kind::array);
        ++depth_;
    }
    void end_array() override { --depth_; }
    void string_value(std::string_view value) override {
        switch (take_kind(member::kind::string)) {
            case field::ret_code:
                ret_code.text.assign(value);
                break;
            case field::message:
                message.emplace(value);
                break;
            case field::action:
                action.emplace(value);
                break;
            case field::none:
                break;
        }
    }
    void number_value(const actionhost::json::number& value) override {
        if (take_kind(member::kind::number) == field::ret_code)
            ret_code.number = value;
    }
    void boolean_value(bool) override { take_kind(member::kind::boolean); }
    void null_value() override { take_kind(member::kind::null); }

  private:
    enum class field { none, ret_code, message, action };

    // Which field the value just read is (none for other members and deeper values); RetCode's
    // kind is recorded.
    field take_kind(member::kind type) {
        if (depth_ != 1)
            return field::none;
        const field f = wanted_;
        wanted_ = field::none;
        if (f == field::ret_code)
            ret_code.type = type;
        return f;
    }

    int depth_ = 0;
    field wanted_ = field::none;
};

}  // namespace

std::string clean_text(const std::string& text, std::size_t max) {
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            continue;
        out += ch;
    }
    if (out.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut;
        out.resize(cut);
        out += "...";
    }
    return out;
}

parsed_response parse_response(const std::string& body) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw bad_response_error("the response body is empty");
    }
    reply_fields fields;
    try {
        actionhost::json::parse(body, fields);
    } catch (const actionhost::json::parse_error& e) {
        // The reader never quotes a value (Describe bodies hold passwords), only a repeated
        // member name: {"RetCode":1,"RetCode":0} is malformed, not whichever came last.
        throw bad_response_error("the response body is not valid JSON (" +
                                 std::to_string(body.size()) + " bytes; " + e.where() + ": " +
                                 clean_text(e.reason(), 100) + ")");
    }
    if (!fields.is_object)
        throw bad_response_error("the response body is not a JSON object");
    if (fields.ret_code.type == member::kind::null) {
        throw bad_response_error("the response has no RetCode");
    }
    parsed_response out;
    out.ret_code = ret_code_of(fields.ret_code);
    if (fields.message)
        out.message = clean_text(*fields.message);
    if (fields.action)
        out.action = std::move(*fields.action);
    return out;
}

}  // namespace compshare
