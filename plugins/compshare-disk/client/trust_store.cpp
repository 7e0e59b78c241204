#include "trust_store.hpp"

#include "openssl_error.hpp"
#include "settings.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>
#include <string_view>

namespace compshare {

namespace {

// NNNNNNNN.D: eight lower-case hex digits (X509_NAME_hash, printed %08lx), a dot, a number.
// CRL links (NNNNNNNN.rD) do not count: they are no anchors.
bool is_hash_link_name(std::string_view name) {
    if (name.size() < 10 || name[8] != '.')
        return false;
    for (std::size_t i = 0; i < 8; ++i) {
        const char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    for (std::size_t i = 9; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return false;
    }
    return true;
}

bool directory_has_hash_links(const std::string& directory) {
    std::error_code error;
    std::filesystem::directory_iterator it(directory, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (is_hash_link_name(it->path().filename().native()))
            return true;
    }
    return false;
}

}  // namespace

trust_defaults openssl_trust_defaults() {
    return {::X509_get_default_cert_dir(), ::X509_get_default_cert_file()};
}

bool has_hash_links(const std::string& directories) {
    // OpenSSL's hashed-directory lookup takes a ':'-separated list (LIST_SEPARATOR_CHAR).
    std::size_t start = 0;
    while (start <= directories.size()) {
        std::size_t end = directories.find(':', start);
        if (end == std::string::npos)
            end = directories.size();
        if (end > start && directory_has_hash_links(directories.substr(start, end - start)))
            return true;
        start = end + 1;
    }
    return false;
}

trust_source choose_trust_source(const client_settings& settings, const trust_defaults& defaults) {
    if (!settings.ca_file.empty())
        return {settings.ca_file, "", true, "ca_file " + settings.ca_file};
    if (!settings.ssl_cert_file.empty()) {
        // OpenSSL's meaning: SSL_CERT_FILE replaces the bundle and SSL_CERT_DIR the directory;
        // with the file named, the system's own directory is not added behind the user's back.
        trust_source out{settings.ssl_cert_file, settings.ssl_cert_dir, true,
                         "SSL_CERT_FILE " + settings.ssl_cert_file};
        if (!settings.ssl_cert_dir.empty())
            out.origin += " and SSL_CERT_DIR " + settings.ssl_cert_dir;
        return out;
    }
    const bool from_env = !settings.ssl_cert_dir.empty();
    const std::string& directory = from_env ? settings.ssl_cert_dir : defaults.directory;
    if (has_hash_links(directory)) {
        return {"", directory, false,
                from_env ? "SSL_CERT_DIR " + directory
                         : "the system store's hashed directory " + directory};
    }
    return {defaults.file, "", false,
            "the system store's bundle " + defaults.file + " (" +
                (from_env ? "SSL_CERT_DIR " : "") + directory + " has no hash links)"};
}

void load_trust_source(SSL_CTX* context, const trust_source& source) {
    if (!source.file.empty() && ::SSL_CTX_load_verify_file(context, source.file.c_str()) != 1) {
        const std::string reason = take_openssl_error("no certificate could be read");
        if (source.file_required)
            throw trust_store_error(source.origin +
                                    " cannot be loaded as a PEM CA bundle: " + reason);
    }
    // Only records the path: the certificates are read during handshakes, as they are needed.
    if (!source.directory.empty() &&
        ::SSL_CTX_load_verify_dir(context, source.directory.c_str()) != 1) {
        throw trust_store_error(source.origin + " cannot be used: " +
                                take_openssl_error("no certificate could be read"));
    }
}

}  // namespace compshare
