// One keep-alive HTTP(S) connection to the API (Poco's client sessions), reused across calls.
// Internal to api_client.
#pragma once

#include "api_client.hpp"
#include "deadline_watchdog.hpp"
#include "endpoint.hpp"
#include "host_resolver.hpp"
#include "proxy.hpp"
#include "tls_module.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <optional>
#include <string>

namespace compshare {

// How far an exchange got when it failed: decides whether the request may have been processed.
enum class exchange_phase {
    connecting,  // before any byte of the request was written: certainly not sent
    sending,     // writing the request failed: the service never got all of it
    receiving,   // the request was written: it may have been processed
};

struct transport_error {
    exchange_phase phase;
    // "connect_failed", "connect_timeout", "tls", "not_tls", "refused", "timeout",
    // "connection_reset", "cancelled"
    std::string reason;
    std::string message;  // what happened, for people (never a body)
};

struct http_response {
    int status = 0;
    std::string reason_phrase;
    std::string body;
    std::string request_id;  // X-UCLOUD-REQUEST-UUID
    std::optional<std::chrono::milliseconds> retry_after;
    bool too_large = false;  // the body exceeded the size limit (and was dropped)
};

class api_client::transport {
  public:
    // Throws tls_module_error (https without the TLS module) and tls_setup_error.
    transport(endpoint ep, const client_settings& settings);
    ~transport();

    // POSTs one form body. Throws transport_error. Cancellation (a cancel_signal request) shuts
    // the socket down; the caller checks the signal to tell a cancel from a failure. The
    // configured timeout, or `timeout` when shorter, is a deadline for the whole exchange: name
    // resolution, connect, TLS handshake, sending, and the whole reply.
    http_response post(const std::string& form_body, const std::string& user_agent,
                       actionhost::cancel_signal& cancel,
                       std::optional<std::chrono::milliseconds> timeout = std::nullopt);

    // Drops the connection (after a failure or a cancel): the next post() opens a new one.
    void reset() noexcept;

    int connections_opened() const noexcept { return connections_opened_; }
    // "host:port" (and the proxy's when there is one), for messages.
    std::string host() const;

  private:
    using clock = std::chrono::steady_clock;
    void open(actionhost::cancel_signal& cancel, clock::time_point deadline,
              std::chrono::milliseconds timeout);
    void apply_timeout(std::chrono::milliseconds timeout);
    // Asks the proxy for a tunnel to the endpoint (CONNECT) on a connected socket; throws
    // transport_error when the proxy refuses, Poco exceptions when the exchange fails.
    void open_tunnel(Poco::Net::StreamSocket& socket);
    void add_proxy_credentials(Poco::Net::HTTPRequest& request) const;
    // The POST request with its fixed headers, built once and reused: each exchange sets only
    // Content-Length and U-Timestamp-Ms.
    Poco::Net::HTTPRequest& request_for(const std::string& user_agent);
    // Sends the request and reads the whole reply into `out`; throws Poco exceptions.
    void exchange(Poco::Net::HTTPClientSession& http, const std::string& form_body,
                  const std::string& user_agent, exchange_phase& phase, http_response& out,
                  bool& keep);
    transport_error connect_failure(const Poco::Exception& e, bool timed_out,
                                    std::chrono::milliseconds timeout) const;
    // A transport_error saying the deadline of `timeout` passed while `doing` something.
    transport_error deadline_passed(exchange_phase phase, const char* reason,
                                    std::chrono::milliseconds timeout,
                                    const std::string& doing) const;

    endpoint endpoint_;
    std::optional<proxy_endpoint> proxy_;         // nullopt: direct
    std::chrono::milliseconds timeout_;           // configured, per exchange
    std::chrono::milliseconds socket_timeout_{};  // what the open socket has now
    std::optional<tls_module> tls_module_;        // only for https, loaded then
    std::unique_ptr<tls_connector> tls_;          // made by the module: declared after it
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;  // null = no connection
    // A duplicate of the connection's descriptor, for cancellation (see cancel_guard): made once
    // per connection rather than per request (two syscalls fewer per call); closed by reset().
    int guard_fd_ = -1;
    std::unique_ptr<Poco::Net::HTTPRequest> request_;  // see request_for()
    std::string request_user_agent_;
    // The reply of the last exchange: reused, so its header list keeps its capacity.
    Poco::Net::HTTPResponse response_;
    host_resolver resolver_;
    deadline_watchdog watchdog_;  // declared after what it watches: stopped first
    std::chrono::steady_clock::time_point last_used_;
    int connections_opened_ = 0;
};

}  // namespace compshare
