// Loads the TLS module (tls_connector.hpp) on demand: only a transport to an https endpoint
// needs it. The module is looked for next to the library (or program) that holds this client,
// where the plugin's build and install put it.
#pragma once

#include "tls_connector.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace compshare {

// The module is missing, cannot be loaded or lacks its entry point; the message names its path.
class tls_module_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A connector setup that failed: the trust anchors or the TLS context (a configuration problem).
class tls_setup_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class tls_module {
  public:
    // Loads `directory`/libcompshare-disk-tls.so. Throws tls_module_error.
    explicit tls_module(const std::string& directory);
    // The directory of the library or program this code is linked into.
    static std::string default_directory();

    // Throws tls_setup_error.
    std::unique_ptr<tls_connector> make_connector(const client_settings& settings) const;

    const std::string& path() const noexcept { return path_; }

  private:
    struct library_closer {
        void operator()(void* handle) const noexcept;
    };
    std::string path_;
    std::unique_ptr<void, library_closer> handle_;
    make_tls_connector_function* make_ = nullptr;
};

}  // namespace compshare
