#include "classify.hpp"

#include "response.hpp"

namespace compshare {

namespace {

bool is_auth_failure(int ret_code) {
    return ret_code >= 170 && ret_code <= 174;
}

std::string with_request_id(const std::string& text, const std::string& request_id) {
    return request_id.empty() ? text : text + " (request id " + request_id + ")";
}

attempt_failure http_status_failure(const std::string& action, bool write,
                                    const http_response& response) {
    const int status = response.status;
    const bool server_error = status >= 500;
    // 429: throttled before processing. 502/503/504: a gateway answered; the service may or
    // may not have run a write, so only reads go again. 500: not retried (as the Go SDK).
    const bool retry =
        status == 429 || (!write && (status == 502 || status == 503 || status == 504));
    attempt_failure f{
        make_failure(failure_kind::http_status, action, "http_" + std::to_string(status),
                     with_request_id("HTTP " + std::to_string(status) + " " +
                                         clean_text(response.reason_phrase, 80),
                                     response.request_id),
                     status == 429 || server_error, server_error),
        retry, response.retry_after};
    f.error.http_status = status;
    return f;
}

attempt_failure ret_code_failure(const std::string& action, bool write,
                                 const parsed_response& parsed, const std::string& request_id) {
    const int code = parsed.ret_code;
    std::string what = "RetCode " + std::to_string(code);
    if (!parsed.message.empty())
        what += ": " + parsed.message;
    // 150 service unavailable, 153 rate limited: refused before processing, for any call.
    // 110 gateway timeout: the service may have run it, so only reads go again.
    const bool gateway_busy = code == 150 || code == 153;
    attempt_failure f{
        make_failure(failure_kind::api_error, action, "ret_code_" + std::to_string(code),
                     with_request_id(what, request_id),
                     (gateway_busy || code == 110) && !is_auth_failure(code), code == 110),
        gateway_busy || (!write && code == 110), std::nullopt};
    f.error.ret_code = code;
    f.error.api_message = parsed.message;
    return f;
}

}  // namespace

api_failure make_failure(failure_kind kind, const std::string& action, const std::string& reason,
                         const std::string& what, bool retryable, bool maybe_sent) {
    api_failure f(kind, action + ": " + what);
    f.action = action;
    f.reason = reason;
    f.retryable = retryable;
    f.maybe_sent = maybe_sent;
    return f;
}

api_failure with_message(const api_failure& from, const std::string& message) {
    api_failure f(from.kind, message);
    f.action = from.action;
    f.ret_code = from.ret_code;
    f.api_message = from.api_message;
    f.http_status = from.http_status;
    f.request_id = from.request_id;
    f.retryable = from.retryable;
    f.maybe_sent = from.maybe_sent;
    f.reason = from.reason;
    f.attempts = from.attempts;
    return f;
}

std::optional<attempt_failure> classify_response(const std::string& action, call_kind kind,
                                                 http_response response, api_reply& reply) {
    const bool write = kind == call_kind::write;
    std::optional<attempt_failure> failed;
    if (response.status < 200 || response.status >= 300) {
        failed = http_status_failure(action, write, response);
    } else if (response.too_large) {
        failed = attempt_failure{
            make_failure(failure_kind::bad_response, action, "bad_response",
                         with_request_id("the response body is too large", response.request_id),
                         true, true),
            false, std::nullopt};
    } else {
        try {
            parsed_response parsed = parse_response(response.body);
            if (parsed.ret_code == 0) {
                reply = api_reply{std::move(response.body), std::move(response.request_id),
                                  std::move(parsed.action)};
                return std::nullopt;
            }
            failed = ret_code_failure(action, write, parsed, response.request_id);
        } catch (const bad_response_error& e) {
            // A 2xx whose body cannot be read: the service may have processed the request.
            failed = attempt_failure{
                make_failure(failure_kind::bad_response, action, "bad_response",
                             with_request_id(e.what(), response.request_id), true, true),
                false, std::nullopt};
        }
    }
    failed->error.request_id = response.request_id;
    return failed;
}

attempt_failure classify_transport_error(const std::string& action, call_kind kind,
                                         const transport_error& error,
                                         const std::string& host_port) {
    switch (error.phase) {
        case exchange_phase::connecting: {
            // Nothing was sent: safe to try again, except after a TLS failure (a certificate
            // does not fix itself), a server that does not speak TLS (the base_url is wrong), a
            // refused destination, or a proxy that refused the tunnel (credentials, policy).
            const bool permanent = error.reason == "tls" || error.reason == "not_tls" ||
                                   error.reason == "refused" || error.reason == "proxy_refused";
            return {make_failure(
                        failure_kind::network, action, error.reason,
                        (error.reason == "tls" ? "TLS handshake with " : "cannot connect to ") +
                            host_port + ": " + error.message,
                        !permanent, false),
                    !permanent, std::nullopt};
        }
        case exchange_phase::sending:
            // The service never got the whole request, so it cannot have run it.
            return {make_failure(failure_kind::network, action, error.reason,
                                 "sending the request failed: " + error.message, true, false),
                    true, std::nullopt};
        case exchange_phase::receiving:
            break;
    }
    // A timeout's message says which deadline passed (the configured timeout, or less when the
    // caller's own deadline cut it).
    const std::string what =
        error.reason == "timeout"
            ? "no complete response: " + error.message
            : "the connection failed while waiting for the response: " + error.message;
    return {make_failure(failure_kind::network, action, error.reason, what, true, true),
            kind == call_kind::read, std::nullopt};
}

}  // namespace compshare
