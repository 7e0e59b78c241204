#include "response.hpp"

#include <actionhost/json/member_slots.hpp>
#include <actionhost/json/members.hpp>
#include <actionhost/json/reader.hpp>

#include <cmath>
#include <limits>
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
// list of members to build and sort for three names.
class reply_fields : public actionhost::json::member_slots<member> {
  public:
    member ret_code;  // kind null when absent
    member message;
    member action;

  private:
    member* slot_for(std::string_view name) override {
        return name == "RetCode"   ? &ret_code
               : name == "Message" ? &message
               : name == "Action"  ? &action
                                   : nullptr;
    }
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
    if (fields.message.type == member::kind::string)
        out.message = clean_text(fields.message.text);
    if (fields.action.type == member::kind::string)
        out.action = std::move(fields.action.text);
    return out;
}

}  // namespace compshare
