// What one HTTP attempt came to: success, or a failure with its retry decision. The retry
// rules: reads retry every transient failure; writes retry only what certainly was not
// processed (connect failures, HTTP 429, RetCodes 150/153) and report the rest as maybe_sent.
#pragma once

#include "api_client.hpp"
#include "transport.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace compshare {

struct attempt_failure {
    api_failure error;
    bool retry = false;  // call() may try again (within max_retries)
    std::optional<std::chrono::milliseconds> retry_after;  // the server's Retry-After
};

// An HTTP answer: nullopt when it is a RetCode-0 reply (then moved into `reply`: the answer is
// taken by value so that its body is not copied).
std::optional<attempt_failure> classify_response(const std::string& action, call_kind kind,
                                                 http_response response, api_reply& reply);

// A transport failure (not a cancellation: the caller checks that first).
attempt_failure classify_transport_error(const std::string& action, call_kind kind,
                                         const transport_error& error,
                                         const std::string& host_port);

// The same failure with another message (api_failure's message is fixed at construction).
api_failure with_message(const api_failure& from, const std::string& message);

api_failure make_failure(failure_kind kind, const std::string& action, const std::string& reason,
                         const std::string& what, bool retryable, bool maybe_sent);

}  // namespace compshare
