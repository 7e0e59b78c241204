// The TLS module (tls_connector.hpp): Poco's NetSSL over OpenSSL. Built into
// libcompshare-disk-tls.so, which exports only the entry point.
#include "tls_connector.hpp"

#include "trust_store.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <openssl/ssl.h>

namespace compshare {
namespace {

class poco_tls_connector final : public tls_connector {
  public:
    explicit poco_tls_connector(const client_settings& settings)
        : trust_(choose_trust_source(settings, openssl_trust_defaults())) {
        // Our own context, not Poco's SSLManager defaults: chain and host name verified
        // (VERIFY_STRICT also checks the name for loopback hosts, which RELAXED skips). No CA is
        // loaded by Poco: the anchors are ours to choose (trust_store.hpp), so that the system
        // store is read lazily through its hashed directory instead of parsing its whole bundle.
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        params.loadDefaultCAs = false;
        context_ = Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_CLIENT_USE, params);
        load_trust_source(context_->sslContext(), trust_);
        context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context_->enableExtendedCertificateVerification(true);
        // Poco installs a verify callback that asks the process-wide SSLManager, where any code
        // in the host process may have registered an accept-all handler. Without a callback,
        // OpenSSL's own verdict on the chain is final.
        ::SSL_CTX_set_verify(context_->sslContext(),
                             SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        // One context per transport, used by one thread at a time: the callback's argument is
        // ours.
        ::SSL_CTX_set_msg_callback(context_->sslContext(), &poco_tls_connector::on_message);
        ::SSL_CTX_set_msg_callback_arg(context_->sslContext(), this);
    }

    Poco::Net::StreamSocket secure(Poco::Net::StreamSocket& socket,
                                   const std::string& host) override {
        first_bytes_.clear();
        // Handshake and verification (chain, then the host name) happen here.
        return Poco::Net::SecureStreamSocket::attach(socket, host, context_);
    }

    std::optional<failure> explain(const Poco::Exception& e,
                                   const std::string& where) const override {
        if (first_bytes_.rfind("HTTP/", 0) == 0) {
            return failure{"not_tls", "the server at " + where +
                                          " answered in plain HTTP, not TLS (is the base_url "
                                          "scheme right? https:// needs a TLS port)"};
        }
        if (dynamic_cast<const Poco::Net::SSLException*>(&e) == nullptr)
            return std::nullopt;
        // OpenSSL's word for a first record that is not TLS at all.
        if (e.displayText().find("wrong version number") != std::string::npos) {
            return failure{"not_tls", "the server at " + where +
                                          " does not speak TLS (its first answer was not a TLS "
                                          "record)"};
        }
        return failure{"tls", e.displayText() + " (trust anchors: " + trust_.origin + ")"};
    }

  private:
    // OpenSSL's message callback: it sees each record header before the record is checked. A
    // plain HTTP server answers a ClientHello with "HTTP/1.1 400": its first bytes tell.
    static void on_message(int write_p, int, int content_type, const void* buf, std::size_t len,
                           SSL*, void* arg) {
        auto* self = static_cast<poco_tls_connector*>(arg);
        if (write_p == 0 && content_type == SSL3_RT_HEADER && self->first_bytes_.empty())
            self->first_bytes_.assign(static_cast<const char*>(buf), len);
    }

    trust_source trust_;  // where the anchors come from: named in a failed handshake's message
    Poco::Net::Context::Ptr context_;
    std::string first_bytes_;  // the first bytes the server sent during the handshake
};

}  // namespace

extern "C" __attribute__((visibility("default"))) void compshare_make_tls_connector_v1(
    const client_settings& settings, tls_connector_setup& out) {
    try {
        out.connector = std::make_unique<poco_tls_connector>(settings);
    } catch (const trust_store_error& e) {
        out.error =
            e.what();  // a bundle the user named (ca_file, SSL_CERT_FILE) that does not load
    } catch (const Poco::Exception& e) {
        out.error = "cannot set up TLS: " + e.displayText();
    } catch (const std::exception& e) {
        out.error = std::string("cannot set up TLS: ") + e.what();
    }
}

}  // namespace compshare
