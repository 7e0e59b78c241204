#include "api_client.hpp"

#include "classify.hpp"
#include "endpoint.hpp"
#include "form_encoding.hpp"
#include "response.hpp"
#include "signature.hpp"
#include "transport.hpp"

#include <actionhost/json_writer.hpp>

#include <algorithm>

namespace compshare {

namespace {

std::string retry_event(const std::string& action, int next_attempt, const api_failure& failure,
                        std::chrono::milliseconds delay, int max_retries) {
    const std::string message =
        std::string(failure.what()) + "; retry " + std::to_string(next_attempt - 1) + " of " +
        std::to_string(max_retries) + " in " + std::to_string(delay.count()) + " ms";
    actionhost::json_writer event;
    event.begin_object()
        .member("event", "retry")
        .member("action", action)
        .member("attempt", next_attempt)
        .member("reason", failure.reason)
        .member("delay_ms", static_cast<long long>(delay.count()))
        .member("message", message)
        .end_object();
    return event.take();
}

// The service refused the key pair (RetCode 170-174, HTTP 401/403): the one failure where the
// user must know which keys were sent, since config, environment and profile file are merged.
bool is_key_rejection(const api_failure& f) {
    return (f.kind == failure_kind::api_error && f.ret_code >= 170 && f.ret_code <= 174) ||
           (f.kind == failure_kind::http_status && (f.http_status == 401 || f.http_status == 403));
}

// Where the keys came from, for people; never a key.
std::string key_origin(const std::string& source) {
    if (source == "config")
        return "the instance config (public_key, private_key)";
    if (source == "environment")
        return "the environment (COMPSHARE_PUBLIC_KEY, COMPSHARE_PRIVATE_KEY)";
    return source;  // "profile 'NAME' of FILE", or one origin per key
}

api_failure cancelled(const std::string& action, const std::string& what, bool maybe_sent,
                      int attempts) {
    auto f = make_failure(failure_kind::cancelled, action, "cancelled", what, false, maybe_sent);
    f.attempts = attempts;
    return f;
}

}  // namespace

api_client::api_client(client_settings settings, const actionhost::host& host)
    : api_client(std::move(settings), host, retry_policy{}) {}

api_client::api_client(client_settings settings, const actionhost::host& host, retry_policy policy)
    : settings_(std::move(settings)), host_(host), policy_(std::move(policy)) {
    endpoint ep = parse_base_url(settings_.base_url);
    // A header value: no line breaks or other control characters.
    settings_.user_agent = clean_text(settings_.user_agent, 200);
    try {
        transport_ = std::make_unique<transport>(std::move(ep), settings_);
    } catch (const tls_setup_error& e) {
        // A bundle the user named (ca_file, SSL_CERT_FILE) that does not load, or a TLS context
        // OpenSSL refuses. (A missing TLS module is no config problem: tls_module_error.)
        throw settings_error("InvalidParameter", e.what());
    }
}

api_client::~api_client() = default;

api_reply api_client::call(const std::string& action, const call_params& params, call_kind kind,
                           std::optional<std::chrono::steady_clock::time_point> deadline) {
    using std::chrono::milliseconds;
    using std::chrono::steady_clock;
    // The time left before the deadline (nullopt: no deadline).
    const auto time_left = [&]() -> std::optional<milliseconds> {
        if (!deadline)
            return std::nullopt;
        return std::chrono::duration_cast<milliseconds>(*deadline - steady_clock::now());
    };
    auto& cancel = host_.cancellation();

    // The signed request, as views (nothing copied): the caller's parameters but Signature,
    // Action and PublicKey, which are ours; ProjectId from the settings when not given. An
    // empty value means "not given" (the Go SDK's form encoder drops them too), so an unset
    // optional parameter is neither sent nor signed.
    param_views request;
    request.reserve(params.size() + 4);
    bool has_project = false;
    for (const auto& [name, value] : params) {
        const std::string_view key = name;  // compared by length first
        if (value.empty() || key == "Signature" || key == "Action" || key == "PublicKey")
            continue;
        has_project = has_project || key == "ProjectId";
        request.emplace_back(key, value);
    }
    request.emplace_back("Action", action);
    request.emplace_back("PublicKey", settings_.public_key);
    if (!settings_.project_id.empty() && !has_project)
        request.emplace_back("ProjectId", settings_.project_id);
    const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::sort(request.begin(), request.end(), by_key);
    // Signed once: nothing in it changes between attempts.
    const std::string signature = sign_views(request, settings_.private_key.view());
    const std::pair<std::string_view, std::string_view> signature_param{"Signature", signature};
    request.insert(std::lower_bound(request.begin(), request.end(), signature_param, by_key),
                   signature_param);
    const std::string body = form_encode_views(request);

    for (int attempt = 1;; ++attempt) {
        if (cancel.requested()) {
            throw cancelled(action,
                            attempt == 1 ? "cancelled before the request was sent"
                                         : "cancelled before retrying",
                            false, attempt - 1);
        }

        const auto left = time_left();
        if (left && left->count() <= 0) {
            auto f = make_failure(failure_kind::network, action, "deadline",
                                  "no time left before the deadline for " + action, true, false);
            f.attempts = attempt - 1;
            throw f;
        }

        ++stats_.api_calls;
        const int connections_before = transport_->connections_opened();

        std::optional<attempt_failure> failed;
        try {
            http_response response = transport_->post(body, settings_.user_agent, cancel, left);
            stats_.connections_opened += transport_->connections_opened() - connections_before;
            if (!response.request_id.empty())
                stats_.request_ids.push_back(response.request_id);
            api_reply reply;
            failed = classify_response(action, kind, std::move(response), reply);
            if (!failed)
                return reply;
        } catch (const transport_error& e) {
            stats_.connections_opened += transport_->connections_opened() - connections_before;
            if (cancel.requested()) {
                transport_->reset();
                const bool sent = e.phase == exchange_phase::receiving;
                throw cancelled(action,
                                sent ? "cancelled while waiting for the response (the request "
                                       "may have been processed)"
                                     : "cancelled before the request was sent",
                                sent, attempt);
            }
            failed = classify_transport_error(action, kind, e, transport_->host());
        }

        failed->error.attempts = attempt;
        if (is_key_rejection(failed->error) && !settings_.credentials_source.empty()) {
            failed->error =
                with_message(failed->error, std::string(failed->error.what()) + " (API keys from " +
                                                key_origin(settings_.credentials_source) + ")");
        }
        if (!failed->retry)
            throw failed->error;
        if (attempt > settings_.max_retries) {
            // Retries exhausted: say so, keep the classification.
            throw with_message(failed->error, std::string(failed->error.what()) +
                                                  " (gave up after " + std::to_string(attempt) +
                                                  (attempt == 1 ? " attempt)" : " attempts)"));
        }

        auto delay = policy_.delay(attempt);
        if (failed->retry_after) {
            delay = std::max(delay, std::min(*failed->retry_after, policy_.cap()));
        }
        if (const auto remaining = time_left(); remaining && *remaining <= delay) {
            // The retry could not finish before the deadline: give up now.
            throw with_message(failed->error, std::string(failed->error.what()) +
                                                  " (no retry: the deadline is too close)");
        }
        ++stats_.retries;
        host_.log(AH_LOG_WARNING,
                  retry_event(action, attempt + 1, failed->error, delay, settings_.max_retries));
        if (!cancel.sleep_for(delay)) {
            throw cancelled(action, "cancelled while waiting to retry", false, attempt);
        }
    }
}

}  // namespace compshare
