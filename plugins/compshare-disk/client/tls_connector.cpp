// The TLS module (tls_connector.hpp): OpenSSL under Poco's socket interface, so that Poco's HTTP
// client runs over it unchanged. Built into libcompshare-disk-tls.so, which exports only the
// entry point. Poco's NetSSL is not used: it pulls in PocoCrypto, PocoUtil, PocoXML and expat
// (6.5 M instructions of relocations and ~1.5 MiB resident on every https start) for the
// context, handshake and record I/O that OpenSSL does here in a few calls.
#include "tls_connector.hpp"

#include "openssl_error.hpp"
#include "trust_store.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace compshare {
namespace {

struct ssl_context_free {
    void operator()(SSL_CTX* context) const noexcept { ::SSL_CTX_free(context); }
};
struct ssl_free {
    void operator()(SSL* ssl) const noexcept { ::SSL_free(ssl); }
};
using ssl_ptr = std::unique_ptr<SSL, ssl_free>;

bool is_ip_address(const std::string& host) {
    unsigned char address[16];
    return ::inet_pton(AF_INET, host.c_str(), address) == 1 ||
           ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// A connected TCP socket with a TLS session on it. It shares the plain socket's descriptor,
// which the plain socket still owns and closes.
class tls_socket_impl final : public Poco::Net::StreamSocketImpl {
  public:
    tls_socket_impl(Poco::Net::StreamSocketImpl* plain, ssl_ptr ssl)
        : plain_(plain, true), ssl_(std::move(ssl)) {
        reset(plain_->sockfd());
    }
    ~tls_socket_impl() override { reset(); }  // the descriptor is plain_'s to close

    int sendBytes(const void* buffer, int length, int) override {
        const int written = ::SSL_write(ssl_.get(), buffer, length);
        if (written <= 0)
            fail(written, "sending");
        return written;
    }

    // 0 at the end of the stream (the peer's close_notify).
    int receiveBytes(void* buffer, int length, int) override {
        const int read = ::SSL_read(ssl_.get(), buffer, length);
        if (read <= 0 && ::SSL_get_error(ssl_.get(), read) == SSL_ERROR_ZERO_RETURN)
            return 0;
        if (read <= 0)
            fail(read, "receiving");
        return read;
    }

    int available() override { return ::SSL_pending(ssl_.get()); }
    bool secure() const override { return true; }
    void close() override {
        plain_->close();
        reset();
    }

  private:
    // As Poco's own sockets report them: a socket timeout, a system error, or TLS's.
    [[noreturn]] void fail(int result, const char* doing) {
        const int saved_errno = errno;
        switch (::SSL_get_error(ssl_.get(), result)) {
            case SSL_ERROR_WANT_READ:
            case SSL_ERROR_WANT_WRITE:  // the socket's send or receive timeout (EAGAIN)
                throw Poco::TimeoutException(std::string("TLS ") + doing);
            case SSL_ERROR_SYSCALL:
                if (saved_errno != 0)
                    throw Poco::Net::NetException(std::string("TLS ") + doing + ": " +
                                                  std::strerror(saved_errno));
                break;
            default:
                break;
        }
        throw Poco::IOException(std::string("TLS ") + doing + ": " +
                                take_openssl_error("the connection was closed"));
    }

    Poco::AutoPtr<Poco::Net::StreamSocketImpl> plain_;
    ssl_ptr ssl_;
};

class openssl_connector final : public tls_connector {
  public:
    explicit openssl_connector(const client_settings& settings)
        : trust_(choose_trust_source(settings, openssl_trust_defaults())), context_(new_context()) {
        if (!context_)
            throw std::runtime_error(take_openssl_error("no TLS context"));
        // The chain and the host name verified (the name is set per connection, also for
        // loopback hosts), TLS 1.2 or later. Only the anchors of trust_store.hpp are trusted:
        // the system store is read lazily through its hashed directory.
        ::SSL_CTX_set_verify(context_.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                             nullptr);
        ::SSL_CTX_set_min_proto_version(context_.get(), TLS1_2_VERSION);
        load_trust_source(context_.get(), trust_);
        // One context per transport, used by one thread at a time: the callback's argument is
        // ours.
        ::SSL_CTX_set_msg_callback(context_.get(), &openssl_connector::on_message);
        ::SSL_CTX_set_msg_callback_arg(context_.get(), this);
    }

    Poco::Net::StreamSocket secure(Poco::Net::StreamSocket& socket,
                                   const std::string& host) override {
        first_bytes_.clear();
        handshake_failed_ = false;
        ssl_ptr ssl(::SSL_new(context_.get()));
        if (!ssl || ::SSL_set_fd(ssl.get(), socket.impl()->sockfd()) != 1)
            throw Poco::IOException("cannot start TLS: " + take_openssl_error("no memory"));
        // The name the certificate must carry: an address in its IP entries, a host name in its
        // DNS entries (also sent as SNI).
        const bool named =
            is_ip_address(host)
                ? ::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(ssl.get()), host.c_str()) == 1
                : ::SSL_set_tlsext_host_name(ssl.get(), host.c_str()) == 1 &&
                      ::SSL_set1_host(ssl.get(), host.c_str()) == 1;
        if (!named)
            throw Poco::IOException("cannot verify the name " + host + ": " +
                                    take_openssl_error("refused by OpenSSL"));
        if (const int result = ::SSL_connect(ssl.get()); result != 1) {
            const int error = ::SSL_get_error(ssl.get(), result);
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
                throw Poco::TimeoutException("TLS handshake");  // the socket's timeout (EAGAIN)
            handshake_failed_ = true;
            std::string why = take_openssl_error("the connection was closed during the handshake");
            const long verdict = ::SSL_get_verify_result(ssl.get());
            if (verdict != X509_V_OK)
                why += std::string(" (") + ::X509_verify_cert_error_string(verdict) + ")";
            throw Poco::IOException(why);
        }
        auto* plain = static_cast<Poco::Net::StreamSocketImpl*>(socket.impl());
        // The socket takes its reference to the new implementation.
        return Poco::Net::StreamSocket(
            Poco::makeAuto<tls_socket_impl>(plain, std::move(ssl)).duplicate());
    }

    std::optional<failure> explain(const Poco::Exception& e,
                                   const std::string& where) const override {
        if (first_bytes_.rfind("HTTP/", 0) == 0) {
            return failure{"not_tls", "the server at " + where +
                                          " answered in plain HTTP, not TLS (is the base_url "
                                          "scheme right? https:// needs a TLS port)"};
        }
        if (!handshake_failed_)
            return std::nullopt;
        // OpenSSL's word for a first record that is not TLS at all.
        if (e.displayText().find("wrong version number") != std::string::npos) {
            return failure{"not_tls", "the server at " + where +
                                          " does not speak TLS (its first answer was not a TLS "
                                          "record)"};
        }
        return failure{"tls", e.message() + " (trust anchors: " + trust_.origin + ")"};
    }

  private:
    static SSL_CTX* new_context() {
        // No OpenSSL clean-up at exit (the first initialisation decides): freeing its tables
        // costs a cold start 1.4 M instructions (3 %) for memory the exit returns anyway.
        ::OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
        return ::SSL_CTX_new(::TLS_client_method());
    }

    // OpenSSL's message callback: it sees each record header before the record is checked. A
    // plain HTTP server answers a ClientHello with "HTTP/1.1 400": its first bytes tell.
    static void on_message(int write_p, int, int content_type, const void* buf, std::size_t len,
                           SSL*, void* arg) {
        auto* self = static_cast<openssl_connector*>(arg);
        if (write_p == 0 && content_type == SSL3_RT_HEADER && self->first_bytes_.empty())
            self->first_bytes_.assign(static_cast<const char*>(buf), len);
    }

    trust_source trust_;  // where the anchors come from: named in a failed handshake's message
    std::unique_ptr<SSL_CTX, ssl_context_free> context_;
    std::string first_bytes_;        // the first bytes the server sent during the handshake
    bool handshake_failed_ = false;  // the last secure() failed in the handshake itself
};

}  // namespace

extern "C" __attribute__((visibility("default"))) void compshare_make_tls_connector_v1(
    const client_settings& settings, tls_connector_setup& out) {
    try {
        out.connector = std::make_unique<openssl_connector>(settings);
    } catch (const trust_store_error& e) {
        out.error =
            e.what();  // a bundle the user named (ca_file, SSL_CERT_FILE) that does not load
    } catch (const std::exception& e) {
        out.error = std::string("cannot set up TLS: ") + e.what();
    }
}

}  // namespace compshare
