#include "response.hpp"

#include <actionhost/json/reader.hpp>

#include <cmath>
#include <limits>

namespace compshare {

namespace {

int ret_code_of(const Poco::Dynamic::Var& value) {
    const auto fits = [](double v) {
        return v == std::floor(v) && v >= std::numeric_limits<int>::min() &&
               v <= std::numeric_limits<int>::max();
    };
    if (value.isString()) {
        // Some gateways quote it ("RetCode":"171"); only plain decimal digits are taken.
        const auto text = value.extract<std::string>();
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
    if (value.isBoolean() || !value.isNumeric())
        throw bad_response_error("RetCode is not a number");
    const double v = value.convert<double>();
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
    try {
        out.body = actionhost::json::as_object(actionhost::json::parse(body));
    } catch (const actionhost::json::parse_error& e) {
        // The reader never quotes a value (Describe bodies hold passwords), only a repeated
        // member name: {"RetCode":1,"RetCode":0} is malformed, not whichever came last.
        throw bad_response_error("the response body is not valid JSON (" +
                                 std::to_string(body.size()) + " bytes; " + e.where() + ": " +
                                 clean_text(e.reason(), 100) + ")");
    }
    if (!out.body)
        throw bad_response_error("the response body is not a JSON object");
    if (!out.body->has("RetCode") || out.body->isNull("RetCode")) {
        throw bad_response_error("the response has no RetCode");
    }
    out.ret_code = ret_code_of(out.body->get("RetCode"));
    const auto message = out.body->get("Message");
    if (message.isString())
        out.message = clean_text(message.extract<std::string>());
    return out;
}

}  // namespace compshare
