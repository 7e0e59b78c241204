// Client settings of one plugin instance: where to send requests and with which keys.
// Resolved once, at ah_plugin_create(), from the instance config JSON, then the environment, then
// the compshare-cli profile file (see resolve_settings()).
#pragma once

#include "secret_string.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace compshare {

struct client_settings {
    std::string public_key;
    secret_string private_key;  // never logged, never part of a message or a result
    std::string base_url = "https://api.compshare.cn";
    std::string region;      // default Region for actions that do not give one ("" = none)
    std::string project_id;  // sent as ProjectId when not empty
    std::string ca_file;     // replaces the system CA store when not empty
    // OpenSSL's SSL_CERT_FILE and SSL_CERT_DIR ("" = unset): they replace the system store's
    // bundle and hashed directory (the order is choose_trust_source()'s, trust_store.hpp).
    std::string ssl_cert_file;
    std::string ssl_cert_dir;
    // An http:// proxy URL, maybe with user:password@ ("" = direct); never logged or quoted.
    std::string proxy;
    std::string proxy_origin = "config proxy";  // where `proxy` came from, for messages
    std::string no_proxy;                       // hosts reached directly (curl's NO_PROXY syntax)
    std::chrono::milliseconds timeout{30000};   // per HTTP request
    int max_retries = 3;
    std::string credentials_source;  // for people: "config", "environment", "profile 'x' of FILE"
    // Sent as User-Agent; the plugin sets it to name itself and its version (not a config key).
    std::string user_agent = "actionhost compshare-disk";
};

// Reads one environment variable; std::nullopt when unset. Injected so tests need no setenv().
using env_lookup = std::function<std::optional<std::string>(const char* name)>;
env_lookup process_environment();

// Why settings could not be resolved. `type` is the result's error.type:
// "InvalidParameter" (bad config JSON, unknown key, wrong type, bad URL, insecure http to a
// non-loopback host) or "CredentialsMissing" (message names every place that was looked at).
class settings_error : public std::runtime_error {
  public:
    settings_error(std::string type, const std::string& message)
        : std::runtime_error(message), type_(std::move(type)) {}
    const std::string& type() const noexcept { return type_; }

  private:
    std::string type_;
};

// Precedence per field: config JSON, then environment (COMPSHARE_PUBLIC_KEY,
// COMPSHARE_PRIVATE_KEY, COMPSHARE_PROFILE, COMPSHARE_CONFIG_FILE, COMPSHARE_BASE_URL,
// COMPSHARE_REGION, COMPSHARE_CA_FILE; empty counts as unset), then the compshare-cli profile
// file ($XDG_CONFIG_HOME/compshare/config.json, else ~/.config/compshare/config.json). The proxy:
// config `proxy`, else https_proxy/HTTPS_PROXY (http_proxy/HTTP_PROXY for an http base URL);
// no_proxy/NO_PROXY from the environment. SSL_CERT_FILE and SSL_CERT_DIR from the environment.
// Throws settings_error.
client_settings resolve_settings(std::string_view config_json, const env_lookup& env);

}  // namespace compshare
