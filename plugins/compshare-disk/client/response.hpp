// Reading an API response body: a JSON object with a RetCode (a number or a numeric string).
#pragma once

#include <stdexcept>
#include <string>

namespace compshare {

struct parsed_response {
    int ret_code = 0;
    std::string message;  // the service's Message, cleaned for messages ("" when absent)
    std::string action;   // the service's Action as sent ("" when absent or not a string)
};

// Why a body is not a usable response. Its message describes the body's shape, never its text.
class bad_response_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Reads RetCode, Message and Action without a DOM (the caller reads what else it needs from the
// text). Throws bad_response_error for an empty body, not JSON, not an object, and a missing or
// non-integer RetCode.
parsed_response parse_response(const std::string& body);

// Control characters dropped, at most `max` bytes (cut on a UTF-8 boundary): for text from the
// service that ends up in messages.
std::string clean_text(const std::string& text, std::size_t max = 300);

}  // namespace compshare
