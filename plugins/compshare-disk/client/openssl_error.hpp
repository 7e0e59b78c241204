// OpenSSL's error queue as one message, for the TLS module's errors.
#pragma once

#include <string>

namespace compshare {

// The last error of this thread's OpenSSL queue as text
// ("error:0A000086:SSL routines::certificate verify failed"), or `otherwise` when the queue is
// empty. Clears the queue, so that a later failure's message is not taken from this one.
std::string take_openssl_error(const char* otherwise);

}  // namespace compshare
