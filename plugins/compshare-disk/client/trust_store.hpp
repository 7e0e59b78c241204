// Where the TLS client's trust anchors come from, and loading them into an OpenSSL context.
//
// OpenSSL's default verify paths parse every certificate of the system bundle (~145 on Debian)
// at start, which costs a cold `actionhost run` more than the rest of its TLS set-up together.
// The system's hashed directory holds the same anchors and is read lazily: a handshake loads
// only the issuers it needs. So the system store is used through its directory, and the bundle
// only where the directory has no hash links (distributions that ship the bundle alone).
#pragma once

#include <openssl/types.h>

#include <stdexcept>
#include <string>

namespace compshare {

struct client_settings;

struct trust_source {
    std::string file;            // a PEM bundle, read whole when the context is built ("" = none)
    std::string directory;       // OpenSSL hashed directories, ':'-separated ("" = none)
    bool file_required = false;  // the user named the file: failing to load it is an error
    std::string origin;          // where the anchors come from, for messages
};

// OpenSSL's compiled-in system store: X509_get_default_cert_dir() and _file().
struct trust_defaults {
    std::string directory;
    std::string file;
};
trust_defaults openssl_trust_defaults();

// The order (first that applies):
// 1. ca_file (config or COMPSHARE_CA_FILE): that bundle alone.
// 2. SSL_CERT_FILE: that bundle, plus the SSL_CERT_DIR directory when that is set too.
// 3. The directory (SSL_CERT_DIR, else the default) when it has hash links; else the default
//    bundle file.
trust_source choose_trust_source(const client_settings& settings, const trust_defaults& defaults);

// True when one of the ':'-separated directories holds a certificate hash link (NNNNNNNN.D,
// as `openssl rehash` names them). A missing directory has none.
bool has_hash_links(const std::string& directories);

class trust_store_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Adds the source's anchors to the context. Throws trust_store_error, its message naming the
// origin, when a required file does not load (missing, unreadable, no certificate in it); a system
// bundle that does not load leaves the context without its anchors, as OpenSSL's defaults do (the
// handshake then fails).
void load_trust_source(SSL_CTX* context, const trust_source& source);

}  // namespace compshare
