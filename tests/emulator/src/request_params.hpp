// Turns an API request (query string + form or JSON body) into the flat parameter map that the
// signature covers.
#pragma once

#include "compshare_emulator/signature.hpp"

#include <stdexcept>
#include <string>

namespace compshare_emulator {

// The body could not be understood (bad JSON, JSON that is not an object, bad escapes).
class bad_request_body : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Parses "a=1&b=x+y" (percent-decoding, '+' = space) into params; later keys overwrite.
void parse_urlencoded(const std::string& text, param_map& params);

// Parses a JSON object body, flattening arrays ("K.0") and objects ("K.Sub") and stringifying
// values the way the SDKs do before signing: bool -> true/false, integral numbers without a
// fraction, other floats in shortest fixed notation; null values are dropped.
void parse_json_body(const std::string& body, param_map& params);

// Query parameters first, then the body (body values win on a clash). content_type selects the
// body parser: application/json, anything else is read as form-urlencoded.
param_map parse_request_params(const std::string& raw_query, const std::string& content_type,
                               const std::string& body);

}  // namespace compshare_emulator
