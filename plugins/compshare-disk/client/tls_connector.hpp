// The https half of the transport: the TLS context (trust anchors, verification), the handshake,
// and what a failed handshake means. It is built as its own module (libcompshare-disk-tls.so,
// next to the plugin) and loaded only for an https base_url (tls_module.hpp): plain http does
// not pay for loading libssl nor for setting up TLS.
#pragma once

#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>

#include <memory>
#include <optional>
#include <string>

namespace compshare {

struct client_settings;

class tls_connector {
  public:
    virtual ~tls_connector() = default;

    // Wraps a connected socket: handshake, then the chain and the host name verified. Returns
    // the TLS socket for an HTTP session. Throws Poco::Exception.
    virtual Poco::Net::StreamSocket secure(Poco::Net::StreamSocket& socket,
                                           const std::string& host) = 0;

    struct failure {
        std::string reason;  // "not_tls" or "tls"
        std::string message;
    };
    // What a failed connect was from TLS's side (a plain HTTP server, a handshake refused), or
    // nullopt when TLS had no part in it. `where` names the server for the message.
    virtual std::optional<failure> explain(const Poco::Exception& e,
                                           const std::string& where) const = 0;
};

// The module's one entry point. Builds a connector for the settings' trust anchors into
// `connector`, or says in `error` why it cannot (a ca_file that does not load, a TLS context
// OpenSSL refuses). Errors are returned, not thrown: the module is a separate library.
struct tls_connector_setup {
    std::unique_ptr<tls_connector> connector;
    std::string error;
};
using make_tls_connector_function = void(const client_settings& settings, tls_connector_setup& out);
inline constexpr const char* tls_module_file = "libcompshare-disk-tls.so";
inline constexpr const char* tls_module_entry = "compshare_make_tls_connector_v1";

}  // namespace compshare
