#include "response.hpp"

#include <actionhost/json/members.hpp>

#include <cmath>
#include <limits>

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
    parsed_response out;
    actionhost::json::object_members top;
    try {
        top = actionhost::json::read_members(body);
    } catch (const actionhost::json::parse_error& e) {
        // The reader never quotes a value (Describe bodies hold passwords), only a repeated
        // member name: {"RetCode":1,"RetCode":0} is malformed, not whichever came last.
        throw bad_response_error("the response body is not valid JSON (" +
                                 std::to_string(body.size()) + " bytes; " + e.where() + ": " +
                                 clean_text(e.reason(), 100) + ")");
    }
    if (!top.is_object)
        throw bad_response_error("the response body is not a JSON object");
    const member* ret_code = top.find("RetCode");
    if (ret_code == nullptr || ret_code->type == member::kind::null) {
        throw bad_response_error("the response has no RetCode");
    }
    out.ret_code = ret_code_of(*ret_code);
    if (const member* message = top.find("Message");
        message && message->type == member::kind::string)
        out.message = clean_text(message->text);
    if (const member* action = top.find("Action"); action && action->type == member::kind::string)
        out.action = action->text;
    return out;
}

}  // namespace compshare
