#include "openssl_error.hpp"

#include <openssl/err.h>

namespace compshare {

std::string take_openssl_error(const char* otherwise) {
    unsigned long last = 0;
    while (const unsigned long e = ::ERR_get_error())
        last = e;
    if (last == 0)
        return otherwise;
    char text[256];
    ::ERR_error_string_n(last, text, sizeof text);
    return text;
}

}  // namespace compshare
