// Signed calls to the Compshare (UCloud) OpenAPI over one keep-alive HTTP(S) session, with
// retries. README.md next to this file describes the wire protocol the client relies on.
#pragma once

#include "retry_policy.hpp"
#include "settings.hpp"

#include <actionhost/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace compshare {

// Flat wire parameters (already flattened and stringified, e.g. "UHostIds.0"), without
// Action, PublicKey and Signature, which call() adds. Empty values are left out.
using param_map = std::map<std::string, std::string>;

// One wire parameter (name, value), borrowed for the call.
using wire_param = std::pair<std::string_view, std::string_view>;

// The parameters of one call, each name given once: a braced list of views, borrowed (nothing
// copied; it lives until the end of the call's full expression), or a param_map.
class call_params {
  public:
    call_params(std::initializer_list<wire_param> list) : list_(list) {}
    call_params(const param_map& map) : owned_(map.begin(), map.end()) {}

    const wire_param* begin() const noexcept {
        return owned_.empty() ? list_.begin() : owned_.data();
    }
    const wire_param* end() const noexcept { return begin() + size(); }
    std::size_t size() const noexcept { return owned_.empty() ? list_.size() : owned_.size(); }

  private:
    std::initializer_list<wire_param> list_;
    std::vector<wire_param> owned_;  // a param_map's entries, as views
};

// A read may be retried after any transient failure. A write is retried by call() only when the
// request certainly did not reach the service (connect failure, HTTP 429, RetCode 150/153);
// after a timeout, a reset or an HTTP 5xx it throws with maybe_sent = true and the caller
// decides (re-read, then re-send or not).
enum class call_kind { read, write };

struct api_reply {
    // The response's JSON text: an object whose RetCode is 0 (checked). It may hold secrets
    // (Describe: Password): read what is needed, never log or return it.
    std::string body;
    std::string request_id;  // X-UCLOUD-REQUEST-UUID ("" when absent)
    std::string action;      // the response's Action ("" when absent or not a string)
};

enum class failure_kind {
    api_error,     // the service answered RetCode != 0 (ret_code, api_message)
    http_status,   // HTTP status >= 400 (http_status)
    bad_response,  // empty body, not JSON, not an object, no RetCode
    network,       // could not connect, reset, timed out
    cancelled,     // ah_plugin_cancel() interrupted the call or its backoff
};

class api_failure : public std::runtime_error {
  public:
    api_failure(failure_kind kind, const std::string& message)
        : std::runtime_error(message), kind(kind) {}

    failure_kind kind;
    std::string action;       // the API action that failed
    int ret_code = 0;         // for api_error (and gateway codes)
    std::string api_message;  // the service's Message, for api_error
    int http_status = 0;      // for http_status
    std::string request_id;   // X-UCLOUD-REQUEST-UUID when one came back
    bool retryable = false;   // transient: the same call may succeed later
    bool maybe_sent = false;  // the request may have reached the service (writes: ambiguous)
    std::string reason;       // short machine word: "timeout", "connection_reset", "http_503",
                              // "ret_code_150", "connect_failed", "tls", "bad_response", ...
    int attempts = 0;         // HTTP attempts made for this call
};

// Counters over the calls since construction or the last reset_stats().
struct call_stats {
    int api_calls = 0;                     // HTTP requests sent (attempts, retries included)
    int retries = 0;                       // attempts after the first, over all calls
    std::vector<std::string> request_ids;  // every X-UCLOUD-REQUEST-UUID seen, in order
    int connections_opened = 0;            // TCP (TLS) connections opened; 1 while keep-alive holds
};

class api_client {
  public:
    // Validates the base URL (https, or http to a loopback host only) and creates the TLS context
    // only for https. Throws settings_error("InvalidParameter", ...) on a refused URL or CA file,
    // tls_module_error when https finds no TLS module (tls_module.hpp).
    api_client(client_settings settings, const actionhost::host& host);
    // Same, with a given backoff (tests: short delays, a seeded random source).
    api_client(client_settings settings, const actionhost::host& host, retry_policy policy);
    ~api_client();
    api_client(const api_client&) = delete;
    api_client& operator=(const api_client&) = delete;

    // Signs and sends one action (POST, form-urlencoded, User-Agent and U-Timestamp-Ms headers),
    // retrying transient failures up to settings.max_retries times with exponential backoff and
    // full jitter (each retry logged through the host as a "retry" event with reason and delay).
    // Returns a RetCode-0 reply or throws api_failure. ProjectId from the settings is added when
    // set and not already in params. Cancellation interrupts the request and the backoff.
    // With a deadline, no attempt waits for an answer past it (each attempt's timeout is cut to
    // the time left) and no retry starts that could not finish before it; a call that runs out
    // of time throws a retryable network failure with reason "deadline".
    api_reply call(const std::string& action, const call_params& params, call_kind kind,
                   std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

    const call_stats& stats() const noexcept { return stats_; }
    void reset_stats() { stats_ = {}; }
    const client_settings& settings() const noexcept { return settings_; }

  private:
    class transport;  // the Poco session, kept alive across calls and invocations
    client_settings settings_;
    const actionhost::host& host_;
    std::unique_ptr<transport> transport_;
    retry_policy policy_;
    call_stats stats_;
};

}  // namespace compshare
