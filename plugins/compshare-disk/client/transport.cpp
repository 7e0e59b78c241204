#include "transport.hpp"

#include "response.hpp"

#include <actionhost/detail/unique_fd.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <istream>
#include <optional>
#include <ostream>

namespace compshare {

using actionhost::detail::unique_fd;

namespace {

constexpr std::size_t max_body = 8u << 20;  // Describe bodies are a few KiB

// Below the usual server keep-alive timeouts (nginx 75 s, load balancers 60 s), so a write is
// not sent into a connection the server is about to drop (closed ones are caught by the stale
// check); long enough to keep one connection across the polls of a wait and across
// invocations close in time.
constexpr auto idle_limit = std::chrono::seconds(20);

std::string describe(const Poco::Exception& e) {
    // displayText() of network exceptions names the failure (and maybe host/port), never data.
    return e.displayText();
}

bool is_timeout(const Poco::Exception& e) {
    return dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr;
}

// True when an idle kept-alive socket is readable: the peer closed it (or sent junk).
bool socket_is_stale(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
}

// While alive, a cancel shuts the socket down, so a blocked connect, handshake, send or receive
// on it returns at once. It holds a duplicate of the descriptor (shutdown acts on the socket
// through any of them): Poco may close its own descriptor inside a failing call, and a cancel
// must never reach a descriptor number that was reused meanwhile.
class cancel_guard {
  public:
    cancel_guard(actionhost::cancel_signal& cancel, int fd)
        : copy_(::fcntl(fd, F_DUPFD_CLOEXEC, 0)),
          guard_(cancel, copy_.get() >= 0 ? copy_.get() : fd),
          fd_(copy_.get() >= 0 ? copy_.get() : fd) {}
    // The descriptor guarded (the duplicate when there is one): for the deadline watch too.
    int fd() const noexcept { return fd_; }

  private:
    unique_fd copy_;  // declared first: destroyed after the guard
    actionhost::cancel_signal::socket_guard guard_;
    int fd_;
};

// The same for requests on an open connection, on the duplicate the transport keeps for the
// connection's lifetime (`copy`, -1 when dup failed: then a per-request duplicate as above).
class request_cancel_guard {
  public:
    request_cancel_guard(actionhost::cancel_signal& cancel, int copy, int fd)
        : owned_(copy >= 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, 0)),
          guard_(cancel, copy >= 0           ? copy
                         : owned_.get() >= 0 ? owned_.get()
                                             : fd),
          fd_(copy >= 0           ? copy
              : owned_.get() >= 0 ? owned_.get()
                                  : fd) {}
    int fd() const noexcept { return fd_; }

  private:
    unique_fd owned_;
    actionhost::cancel_signal::socket_guard guard_;
    int fd_;
};

// Reads a reply body: a body of known length (`length`, UNKNOWN_CONTENT_LENGTH when none) up
// to max_body in one read; otherwise (chunked, or until the connection closes, or too large)
// in pieces, stopping once the body exceeds max_body.
void read_body(std::istream& is, Poco::Int64 length, std::string& body) {
    if (length >= 0 && length <= static_cast<Poco::Int64>(max_body)) {
        body.resize(static_cast<std::size_t>(length));
        is.read(body.data(), static_cast<std::streamsize>(length));
        body.resize(static_cast<std::size_t>(is.gcount()));
        return;
    }
    char buffer[8192];
    while (is.read(buffer, sizeof buffer) || is.gcount() > 0) {
        body.append(buffer, static_cast<std::size_t>(is.gcount()));
        if (body.size() > max_body) {
            break;
        }
    }
}

// host:port as a URL or CONNECT has it: an IPv6 address in brackets.
std::string authority(const std::string& host, std::uint16_t port) {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

api_client::transport::transport(endpoint ep, const client_settings& settings)
    : endpoint_(std::move(ep)),
      proxy_(select_proxy(settings.proxy, settings.proxy_origin, settings.no_proxy, endpoint_)),
      timeout_(settings.timeout) {
    if (!endpoint_.secure) {
        return;
    }
    tls_module_.emplace(tls_module::default_directory());
    tls_ = tls_module_->make_connector(settings);
}

api_client::transport::~transport() {
    reset();
}

void api_client::transport::reset() noexcept {
    if (session_) {
        try {
            session_->reset();
        } catch (...) {
        }
        session_.reset();
    }
    if (guard_fd_ >= 0) {
        ::close(guard_fd_);
        guard_fd_ = -1;
    }
}

std::string api_client::transport::host() const {
    const std::string target = endpoint_.host + ":" + std::to_string(endpoint_.port);
    return proxy_ ? target + " through the proxy " + proxy_->where() + " (" + proxy_->origin + ")"
                  : target;
}

void api_client::transport::add_proxy_credentials(Poco::Net::HTTPRequest& request) const {
    if (!proxy_->username.empty())
        Poco::Net::HTTPBasicCredentials(proxy_->username, proxy_->password)
            .proxyAuthenticate(request);
}

void api_client::transport::open_tunnel(Poco::Net::StreamSocket& socket) {
    // A session on our socket for the CONNECT exchange only: detached afterwards, or its
    // destructor would close the socket.
    Poco::Net::HTTPClientSession tunnel(socket);
    const std::string target = authority(endpoint_.host, endpoint_.port);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_CONNECT, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Host", target);
    add_proxy_credentials(request);
    tunnel.sendRequest(request);
    Poco::Net::HTTPResponse response;
    tunnel.receiveResponse(response);
    tunnel.detachSocket();
    const int status = static_cast<int>(response.getStatus());
    if (status / 100 == 2)
        return;
    // 5xx: the proxy could not reach the endpoint (may pass); anything else (407 credentials,
    // 403 policy) will not change by retrying.
    throw transport_error{exchange_phase::connecting,
                          status >= 500 ? "connect_failed" : "proxy_refused",
                          "the proxy answered " + std::to_string(status) + " " +
                              clean_text(response.getReason(), 80) + " to CONNECT " + target};
}

transport_error api_client::transport::deadline_passed(exchange_phase phase, const char* reason,
                                                       std::chrono::milliseconds timeout,
                                                       const std::string& doing) const {
    return {phase, reason,
            "the deadline of " + std::to_string(timeout.count()) +
                " ms for the request passed while " + doing};
}

transport_error api_client::transport::connect_failure(const Poco::Exception& e, bool timed_out,
                                                       std::chrono::milliseconds timeout) const {
    if (timed_out) {
        return deadline_passed(exchange_phase::connecting, "connect_timeout", timeout,
                               "connecting");
    }
    if (tls_) {
        if (auto tls_failure = tls_->explain(e, host()))
            return {exchange_phase::connecting, std::move(tls_failure->reason),
                    std::move(tls_failure->message)};
    }
    return {exchange_phase::connecting, "connect_failed", describe(e)};
}

void api_client::transport::open(actionhost::cancel_signal& cancel, clock::time_point deadline,
                                 std::chrono::milliseconds timeout) {
    const auto now = clock::now();
    if (session_ && (!session_->connected() || now - last_used_ > idle_limit ||
                     socket_is_stale(session_->socket().impl()->sockfd()))) {
        reset();
    }
    if (session_) {
        return;
    }
    if (cancel.requested()) {
        throw transport_error{exchange_phase::connecting, "cancelled", "cancelled"};
    }

    Poco::Net::SocketAddress address;
    try {
        address = proxy_ ? resolver_.resolve(proxy_->host, proxy_->port, cancel, deadline)
                         : resolver_.resolve(endpoint_.host, endpoint_.port, cancel, deadline);
    } catch (const resolve_failure& f) {
        switch (f.what) {
            case resolve_failure::kind::cancelled:
                throw transport_error{exchange_phase::connecting, "cancelled", "cancelled"};
            case resolve_failure::kind::deadline:
                throw deadline_passed(exchange_phase::connecting, "connect_timeout", timeout,
                                      "resolving " + (proxy_ ? proxy_->host : endpoint_.host));
            case resolve_failure::kind::failed:
                break;
        }
        throw transport_error{exchange_phase::connecting, "connect_failed", f.message};
    }
    if (!endpoint_.secure && !address.host().isLoopback()) {
        // "localhost" passed the loopback rule by name; it must also resolve to one (and so must
        // a proxy that plain http goes through).
        throw transport_error{
            exchange_phase::connecting, "refused",
            "refused: " + (proxy_ ? "the proxy " + proxy_->host : endpoint_.host) +
                " does not resolve to a loopback address, and plain http "
                "is only allowed to loopback"};
    }

    // The connection is made here, on a socket we create, rather than inside Poco's
    // sendRequest(): so the connect and the TLS handshake are guarded for cancellation and the
    // deadline too, and a session built on a connected socket has no host to reconnect to
    // behind our back.
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - clock::now());
    const Poco::Timespan t(std::max<long long>(left.count(), 1000));
    std::optional<transport_error> failed;
    try {
        Poco::Net::StreamSocket socket(address.family());
        // The guard and the watch end before anything closes the socket.
        const cancel_guard guard(cancel, socket.impl()->sockfd());
        const deadline_watchdog::watch watch(watchdog_, guard.fd(), deadline);
        try {
            socket.connect(address, t);
            socket.setSendTimeout(t);
            socket.setReceiveTimeout(t);
            socket.setNoDelay(true);
            if (proxy_ && endpoint_.secure)
                open_tunnel(socket);
            if (endpoint_.secure) {
                auto secure = tls_->secure(socket, endpoint_.host);
                // A plain client session over the TLS socket: HTTPSClientSession's constructor
                // for a connected socket sets the port, which Poco refuses once connected.
                session_ = std::make_unique<Poco::Net::HTTPClientSession>(secure);
            } else {
                session_ = std::make_unique<Poco::Net::HTTPClientSession>(socket);
            }
            if (watch.expired())
                failed = deadline_passed(exchange_phase::connecting, "connect_timeout", timeout,
                                         "connecting");
        } catch (const Poco::Exception& e) {
            failed = connect_failure(e, watch.expired() || is_timeout(e), timeout);
        }
    } catch (const Poco::Exception& e) {
        failed = connect_failure(e, is_timeout(e), timeout);
    }
    if (failed) {
        session_.reset();
        if (cancel.requested())
            throw transport_error{exchange_phase::connecting, "cancelled", "cancelled"};
        throw *failed;
    }
    session_->setTimeout(t, t, t);
    session_->setKeepAlive(true);
    socket_timeout_ = timeout;
    guard_fd_ = ::fcntl(session_->socket().impl()->sockfd(), F_DUPFD_CLOEXEC, 0);
    ++connections_opened_;
}

// A kept-alive socket has the timeouts of the exchange before; set them only when they change
// (a deadline cut this exchange short, or the one before), to keep a system call off the usual
// path.
void api_client::transport::apply_timeout(std::chrono::milliseconds timeout) {
    if (timeout == socket_timeout_)
        return;
    const Poco::Timespan t(std::chrono::duration_cast<std::chrono::microseconds>(timeout).count());
    session_->setTimeout(t, t, t);
    session_->socket().setSendTimeout(t);
    session_->socket().setReceiveTimeout(t);
    socket_timeout_ = timeout;
}

Poco::Net::HTTPRequest& api_client::transport::request_for(const std::string& user_agent) {
    if (request_ && request_user_agent_ == user_agent)
        return *request_;
    // Plain http through a proxy: the absolute URL, and the credentials for the proxy. (https
    // goes through a CONNECT tunnel, and the proxy sees neither.)
    const bool via_proxy = proxy_ && !endpoint_.secure;
    request_ = std::make_unique<Poco::Net::HTTPRequest>(
        Poco::Net::HTTPRequest::HTTP_POST,
        via_proxy ? "http://" + authority(endpoint_.host, endpoint_.port) + endpoint_.path
                  : endpoint_.path,
        Poco::Net::HTTPMessage::HTTP_1_1);
    request_->setHost(endpoint_.host, endpoint_.port);
    if (via_proxy)
        add_proxy_credentials(*request_);
    // Only what the API and proxies need, and good manners: each header is written twice per
    // request by Poco (once to count the bytes). No "Connection: Keep-Alive": it is HTTP/1.1's
    // default. No "Accept": the API answers JSON whatever is asked.
    request_->setContentType("application/x-www-form-urlencoded");
    request_->set("User-Agent", user_agent);
    request_user_agent_ = user_agent;
    return *request_;
}

void api_client::transport::exchange(Poco::Net::HTTPClientSession& http,
                                     const std::string& form_body, const std::string& user_agent,
                                     exchange_phase& phase, http_response& out, bool& keep) {
    Poco::Net::HTTPRequest& request = request_for(user_agent);
    request.setContentLength(static_cast<std::streamsize>(form_body.size()));
    request.set("U-Timestamp-Ms",
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()));

    std::ostream& os = http.sendRequest(request);
    os.write(form_body.data(), static_cast<std::streamsize>(form_body.size()));
    os.flush();
    if (!os.good()) {
        // Poco's stream swallowed the socket error and kept it on the session.
        if (const auto* e = http.networkException()) {
            e->rethrow();
        }
        throw Poco::IOException("cannot write the request");
    }
    phase = exchange_phase::receiving;

    std::istream& is = http.receiveResponse(response_);
    // The body's length as Poco's stream reads it: a chunked body by its chunks, whatever a
    // Content-Length beside it says (else a longer body would be left on the connection).
    const Poco::Int64 length = response_.getChunkedTransferEncoding()
                                   ? Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH
                                   : response_.getContentLength64();
    read_body(is, length, out.body);
    if (is.bad()) {
        if (const auto* e = http.networkException()) {
            e->rethrow();
        }
        throw Poco::IOException("cannot read the response body");
    }
    if (length != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH && out.body.size() <= max_body &&
        static_cast<Poco::Int64>(out.body.size()) < length) {
        // Poco ends a fixed-length body quietly when the connection closes early.
        throw Poco::IOException("the connection closed before the end of the response");
    }
    out.status = static_cast<int>(response_.getStatus());
    out.reason_phrase = response_.getReason();
    // Poco looks headers up by const std::string&: names made once, not from a literal per call.
    static const std::string request_id_header = "X-UCLOUD-REQUEST-UUID";
    static const std::string retry_after_header = "Retry-After";
    static const std::string none;
    out.request_id = response_.get(request_id_header, none);
    if (out.status / 100 != 2) {
        // Only a refusal (429, 503) carries a Retry-After worth reading.
        const std::string& retry_after = response_.get(retry_after_header, none);
        if (!retry_after.empty() && retry_after.size() <= 5 &&
            retry_after.find_first_not_of("0123456789") == std::string::npos) {
            out.retry_after = std::chrono::seconds(std::stoi(retry_after));
        }
    }
    // An unread rest of a body would be taken for the next response: drop the connection.
    keep = response_.getKeepAlive() && out.body.size() <= max_body;
}

http_response api_client::transport::post(const std::string& form_body,
                                          const std::string& user_agent,
                                          actionhost::cancel_signal& cancel,
                                          std::optional<std::chrono::milliseconds> timeout) {
    const auto exchange_timeout = timeout && *timeout < timeout_ ? *timeout : timeout_;
    const auto deadline = clock::now() + exchange_timeout;
    open(cancel, deadline, exchange_timeout);
    // The socket timeouts are a second line only: the watch below enforces the deadline.
    apply_timeout(exchange_timeout);
    auto& http = *session_;
    exchange_phase phase = exchange_phase::sending;
    http_response out;
    bool keep = true;
    std::optional<transport_error> failed;
    {
        // The guard and the watch end before a failure closes the connection.
        const request_cancel_guard guard(cancel, guard_fd_, http.socket().impl()->sockfd());
        const deadline_watchdog::watch watch(watchdog_, guard.fd(), deadline);
        const auto failure = [&](const std::string& message, bool timed_out) {
            if (timed_out || watch.expired()) {
                return deadline_passed(phase, "timeout", exchange_timeout,
                                       phase == exchange_phase::sending
                                           ? "sending the request"
                                           : "waiting for the response");
            }
            return transport_error{phase, "connection_reset", message};
        };
        try {
            exchange(http, form_body, user_agent, phase, out, keep);
            // A body read to the end of the stream ends quietly when the socket is shut down:
            // then what was read is not the whole reply.
            if (watch.expired())
                failed = failure("", true);
        } catch (const Poco::Exception& e) {
            failed = failure(describe(e), is_timeout(e));
        } catch (const std::exception& e) {
            failed = failure(e.what(), false);
        }
    }
    if (failed) {
        reset();
        throw *failed;
    }
    if (!keep || cancel.requested()) {
        reset();
    }
    last_used_ = std::chrono::steady_clock::now();
    if (out.body.size() > max_body) {
        out.body.clear();
        out.too_large = true;
    }
    return out;
}

}  // namespace compshare
