#include "api_client.hpp"

#include "endpoint.hpp"
#include "form_encoding.hpp"
#include "response.hpp"
#include "signature.hpp"
#include "transport.hpp"

#include <Poco/Exception.h>

#include <algorithm>

namespace compshare {

namespace {

// What one attempt came to, when it was not a success.
struct attempt_failure {
    api_failure error;
    bool retry = false;  // call() may try again (within max_retries)
    std::optional<std::chrono::milliseconds> retry_after;
};

api_failure make_failure(failure_kind kind, const std::string& action, const std::string& reason,
                         const std::string& what, bool retryable, bool maybe_sent) {
    api_failure f(kind, action + ": " + what);
    f.action = action;
    f.reason = reason;
    f.retryable = retryable;
    f.maybe_sent = maybe_sent;
    return f;
}

// The same failure with another message (api_failure's message is fixed at construction).
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

bool is_auth_failure(int ret_code) {
    return ret_code >= 170 && ret_code <= 174;
}

std::string with_request_id(const std::string& text, const std::string& request_id) {
    return request_id.empty() ? text : text + " (request id " + request_id + ")";
}

}  // namespace

api_client::api_client(client_settings settings, const actionhost::host& host)
    : api_client(std::move(settings), host, retry_policy{}) {}

api_client::api_client(client_settings settings, const actionhost::host& host, retry_policy policy)
    : settings_(std::move(settings)), host_(host), policy_(std::move(policy)) {
    endpoint ep = parse_base_url(settings_.base_url);
    try {
        transport_ = std::make_unique<transport>(std::move(ep), settings_);
    } catch (const Poco::Exception& e) {
        // Only the TLS context can fail here: a CA bundle that does not load.
        throw settings_error("InvalidParameter",
                             settings_.ca_file.empty()
                                 ? "cannot set up TLS with the system CA store: " + e.displayText()
                                 : "ca_file " + settings_.ca_file +
                                       " cannot be loaded as a PEM CA bundle: " + e.displayText());
    }
}

api_client::~api_client() = default;

api_reply api_client::call(const std::string& action, param_map params, call_kind kind) {
    const bool write = kind == call_kind::write;
    auto& cancel = host_.cancellation();

    params.erase("Signature");
    // An empty value means "not given" (the Go SDK's form encoder drops them too), so an unset
    // optional parameter is neither sent nor signed.
    for (auto it = params.begin(); it != params.end();) {
        it = it->second.empty() ? params.erase(it) : std::next(it);
    }
    params["Action"] = action;
    params["PublicKey"] = settings_.public_key;
    if (!settings_.project_id.empty() && params.count("ProjectId") == 0) {
        params["ProjectId"] = settings_.project_id;
    }

    for (int attempt = 1;; ++attempt) {
        if (cancel.requested()) {
            auto f = make_failure(failure_kind::cancelled, action, "cancelled",
                                  attempt == 1 ? "cancelled before the request was sent"
                                               : "cancelled before retrying",
                                  false, false);
            f.attempts = attempt - 1;
            throw f;
        }

        attempt_failure failed{api_failure(failure_kind::network, ""), false, std::nullopt};
        // Re-signed every attempt, as the SDKs do.
        params["Signature"] = sign(params, settings_.private_key);
        const std::string body = form_encode(params);
        params.erase("Signature");
        ++stats_.api_calls;
        const int connections_before = transport_->connections_opened();
        const auto count_connections = [&] {
            stats_.connections_opened += transport_->connections_opened() - connections_before;
        };

        try {
            http_response response = transport_->post(body, settings_.user_agent, cancel);
            count_connections();
            if (!response.request_id.empty())
                stats_.request_ids.push_back(response.request_id);
            const int status = response.status;

            if (status < 200 || status >= 300) {
                const std::string what = with_request_id(
                    "HTTP " + std::to_string(status) + " " + clean_text(response.reason_phrase, 80),
                    response.request_id);
                const std::string reason = "http_" + std::to_string(status);
                const bool server_error = status >= 500;
                // 429: throttled before processing. 502/503/504: a gateway answered; the
                // service may or may not have run a write, so only reads go again.
                const bool retry =
                    status == 429 || (!write && (status == 502 || status == 503 || status == 504));
                failed = {make_failure(failure_kind::http_status, action, reason, what,
                                       status == 429 || server_error, server_error),
                          retry, response.retry_after};
                failed.error.http_status = status;
            } else if (response.too_large) {
                failed.error = make_failure(
                    failure_kind::bad_response, action, "bad_response",
                    with_request_id("the response body is too large", response.request_id), true,
                    true);
            } else {
                try {
                    parsed_response parsed = parse_response(response.body);
                    if (parsed.ret_code == 0) {
                        return api_reply{parsed.body, response.request_id};
                    }
                    const int code = parsed.ret_code;
                    std::string what = "RetCode " + std::to_string(code);
                    if (!parsed.message.empty())
                        what += ": " + parsed.message;
                    what = with_request_id(what, response.request_id);
                    // 150 service unavailable, 153 rate limited: refused before processing.
                    // 110 gateway timeout: the service may have run it, so only reads go again.
                    const bool gateway_busy = code == 150 || code == 153;
                    const bool retry = gateway_busy || (!write && code == 110);
                    failed = {make_failure(failure_kind::api_error, action,
                                           "ret_code_" + std::to_string(code), what,
                                           gateway_busy || code == 110, code == 110),
                              retry, std::nullopt};
                    failed.error.ret_code = code;
                    failed.error.api_message = parsed.message;
                    if (is_auth_failure(code))
                        failed.error.retryable = false;
                } catch (const bad_response_error& e) {
                    // A 2xx whose body we cannot read: the service may have processed it.
                    failed.error =
                        make_failure(failure_kind::bad_response, action, "bad_response",
                                     with_request_id(e.what(), response.request_id), true, true);
                }
            }
            failed.error.request_id = response.request_id;
        } catch (const transport_error& e) {
            count_connections();
            const bool sent = e.phase == exchange_phase::receiving;
            if (cancel.requested()) {
                transport_->reset();
                auto f = make_failure(failure_kind::cancelled, action, "cancelled",
                                      sent ? "cancelled while waiting for the response (the "
                                             "request may have been processed)"
                                           : "cancelled before the request was sent",
                                      false, sent);
                f.attempts = attempt;
                throw f;
            }
            if (e.phase == exchange_phase::connecting) {
                // Nothing was sent: always safe to try again, except for a TLS failure (a
                // certificate does not fix itself) or a refused destination.
                const bool permanent = e.reason == "tls" || e.reason == "refused";
                failed = {make_failure(
                              failure_kind::network, action, e.reason,
                              (e.reason == "tls" ? "TLS handshake with " : "cannot connect to ") +
                                  transport_->host() + ": " + e.message,
                              !permanent, false),
                          !permanent, std::nullopt};
            } else if (!sent) {
                failed = {make_failure(failure_kind::network, action, e.reason,
                                       "sending the request failed: " + e.message, true, false),
                          true, std::nullopt};
            } else {
                const std::string what =
                    e.reason == "timeout"
                        ? "no response within " + std::to_string(settings_.timeout.count()) + " ms"
                        : "the connection failed while waiting for the "
                          "response: " +
                              e.message;
                failed = {make_failure(failure_kind::network, action, e.reason, what, true, true),
                          !write, std::nullopt};
            }
        }

        failed.error.attempts = attempt;
        if (!failed.retry || attempt > settings_.max_retries) {
            if (failed.retry) {
                // Retries exhausted: say so, keep the classification.
                throw with_message(failed.error, std::string(failed.error.what()) +
                                                     " (gave up after " + std::to_string(attempt) +
                                                     " attempts)");
            }
            throw failed.error;
        }

        auto delay = policy_.delay(attempt);
        if (failed.retry_after)
            delay = std::max(delay, std::min(*failed.retry_after, policy_.cap()));
        ++stats_.retries;
        host_.log(AH_LOG_WARNING,
                  "{\"event\":\"retry\",\"action\":" + actionhost::json_quote(action) +
                      ",\"attempt\":" + std::to_string(attempt + 1) +
                      ",\"reason\":" + actionhost::json_quote(failed.error.reason) +
                      ",\"delay_ms\":" + std::to_string(delay.count()) + ",\"message\":" +
                      actionhost::json_quote(std::string(failed.error.what()) + "; retry " +
                                             std::to_string(attempt) + " of " +
                                             std::to_string(settings_.max_retries) + " in " +
                                             std::to_string(delay.count()) + " ms") +
                      "}");
        if (!cancel.sleep_for(delay)) {
            auto f = make_failure(failure_kind::cancelled, action, "cancelled",
                                  "cancelled while waiting to retry", false, false);
            f.attempts = attempt;
            throw f;
        }
    }
}

}  // namespace compshare
