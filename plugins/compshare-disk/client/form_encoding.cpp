#include "form_encoding.hpp"

#include <Poco/URI.h>

namespace compshare {

namespace {

// Poco::URI::encode keeps unreserved characters and encodes controls, non-ASCII and the
// characters listed here, which are all the others that mean something in a form body.
constexpr const char* form_reserved = "!#$&'()*+,/:;=?@[]%\"<>\\^`{|} ";

}  // namespace

std::string form_encode(const std::map<std::string, std::string>& params) {
    std::string body;
    for (const auto& [key, value] : params) {
        if (!body.empty())
            body += '&';
        Poco::URI::encode(key, form_reserved, body);
        body += '=';
        Poco::URI::encode(value, form_reserved, body);
    }
    return body;
}

}  // namespace compshare
