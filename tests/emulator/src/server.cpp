#include "compshare_emulator/server.hpp"

#include "handler_factory.hpp"
#include "server_core.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <sys/socket.h>

#include <mutex>

namespace compshare_emulator {
namespace {

// Each keep-alive connection holds one thread for as long as it stays open (Poco's
// HTTPServer), so this is the number of clients served at once; a connection beyond it waits
// in the queue until another one closes or idles out (keep_alive_timeout).
constexpr int max_connections = 1024;
constexpr int keep_alive_timeout_seconds = 30;

Poco::Net::ServerSocket listen_socket(const options& opts) {
    const Poco::Net::SocketAddress address(opts.listen_host, opts.port);
    constexpr int backlog = max_connections;
    if (opts.tls_cert_file.empty() != opts.tls_key_file.empty()) {
        throw emulator_error("TLS needs both a certificate and a key file");
    }
    if (opts.tls_cert_file.empty()) {
        return Poco::Net::ServerSocket(address, backlog);
    }
    // The emulator does not ask clients for certificates; clients verify the emulator's.
    Poco::Net::Context::Ptr context;
    try {
        context = Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_SERVER_USE,
                                                     opts.tls_key_file, opts.tls_cert_file, "",
                                                     Poco::Net::Context::VERIFY_NONE);
    } catch (const Poco::Exception& e) {
        // A bad certificate or key is a bad argument, not a runtime failure.
        throw emulator_error("cannot load the TLS certificate " + opts.tls_cert_file + " and key " +
                             opts.tls_key_file + ": " + e.displayText());
    }
    return Poco::Net::SecureServerSocket(address, backlog, context);
}

}  // namespace

class server::impl {
  public:
    explicit impl(options opts)
        : core_(std::move(opts)),
          // One thread per connection (keep-alive), started on demand.
          pool_(2, max_connections) {
        if (core_.opts().detach_delay_ms < 0) {
            throw emulator_error("detach_delay_ms must not be negative");
        }
        Poco::Net::ServerSocket socket = listen_socket(core_.opts());
        port_ = socket.address().port();
        listen_fd_ = socket.impl()->sockfd();
        Poco::Net::HTTPServerParams::Ptr params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
        params->setMaxThreads(max_connections);
        params->setMaxQueued(1024);
        params->setKeepAlive(true);
        params->setMaxKeepAliveRequests(0);  // unlimited
        params->setKeepAliveTimeout(Poco::Timespan(keep_alive_timeout_seconds, 0));
        params->setTimeout(Poco::Timespan(60, 0));
        params->setSoftwareVersion("compshare-emulator");
        // A connection thread that ends while stop() runs waits this long for more work before
        // it sees the stop (Poco's default is 10 s, which would stall stop()).
        params->setThreadIdleTime(Poco::Timespan(0, 100000));
        http_ = std::make_unique<Poco::Net::HTTPServer>(Poco::makeShared<handler_factory>(core_),
                                                        pool_, socket, params);
        http_->start();
    }

    ~impl() { stop(); }

    void stop() {
        std::call_once(stopped_, [this] {
            core_.signal_stop();  // cut injected delays short
            // Poco's acceptor thread polls the listening socket in 250 ms steps; shutting the
            // socket down wakes it at once, so stop() (and every test's teardown) is fast.
            ::shutdown(listen_fd_, SHUT_RDWR);
            http_->stopAll(false);  // in-flight requests finish, idle connections close
            pool_.joinAll();
        });
    }

    server_core core_;
    Poco::ThreadPool pool_;
    std::unique_ptr<Poco::Net::HTTPServer> http_;
    uint16_t port_ = 0;
    std::once_flag stopped_;
    int listen_fd_ = -1;
};

std::string default_state_json() {
    return emulator_state::built_in_default().to_json(clock::now());
}

server::server(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

server::~server() = default;

uint16_t server::port() const {
    return impl_->port_;
}

std::string server::base_url() const {
    const options& opts = impl_->core_.opts();
    const std::string port = std::to_string(impl_->port_);
    if (!opts.tls_cert_file.empty()) {
        return "https://localhost:" + port;
    }
    std::string host = opts.listen_host;
    if (host == "0.0.0.0" || host.empty()) {
        host = "127.0.0.1";
    } else if (host == "::") {
        host = "::1";
    }
    if (host.find(':') != std::string::npos) {
        host = "[" + host + "]";
    }
    return "http://" + host + ":" + port;
}

void server::add_fault(const std::string& fault_json) {
    impl_->core_.faults().add(parse_faults(fault_json));
}

void server::clear_faults() {
    impl_->core_.faults().clear();
}

std::string server::faults_json() const {
    return impl_->core_.faults().to_json();
}

std::string server::state_json() const {
    return impl_->core_.with_state(
        [](emulator_state& state) { return state.to_json(clock::now()); });
}

void server::set_state(const std::string& state_json) {
    impl_->core_.replace_state(emulator_state::from_json(state_json));
}

std::string server::requests_json() const {
    return impl_->core_.log().to_json();
}

void server::clear_requests() {
    impl_->core_.log().clear();
}

int server::count(const std::string& action) const {
    return impl_->core_.log().count(action);
}

int server::accepted(const std::string& action) const {
    return impl_->core_.log().accepted(action);
}

void server::stop() {
    impl_->stop();
}

}  // namespace compshare_emulator
