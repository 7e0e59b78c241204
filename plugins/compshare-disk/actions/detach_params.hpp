// The `detach` action's parameters: parsed and validated completely before any network call.
// The plugin is the authority on these rules; manifests/compshare-disk.json documents them (its
// params_schema) and a test checks that both accept and refuse the same inputs.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace compshare::detach {

// Raw parameter blobs above this size are refused before parsing.
inline constexpr std::size_t max_params_bytes = 64 * 1024;
inline constexpr std::size_t max_id_length = 64;
inline constexpr std::size_t max_device_length = 64;
inline constexpr std::size_t max_client_token_length = 256;  // code points
inline constexpr double min_wait_timeout_seconds = 0.1;
inline constexpr double max_wait_timeout_seconds = 3600;
inline constexpr double min_poll_interval_seconds = 0.1;
inline constexpr double max_poll_interval_seconds = 60;

struct detach_params {
    std::string region;  // from the params, else the config's region
    std::string zone;    // "" = take it from the instance
    std::string uhost_id;
    std::string udisk_id;
    std::string device;      // "" = take it from the disk's Drive
    std::string project_id;  // "" = the config's project_id, if any (the client adds it)
    bool wait = true;
    double wait_timeout_seconds = 300;
    double poll_interval_seconds = 3;
    bool dry_run = false;
    bool precheck = true;
    std::optional<std::string> client_token;
};

// A parameter is missing, unknown or malformed. The message names the field and never quotes
// the value of a credential-like key.
class invalid_parameter : public std::runtime_error {
  public:
    invalid_parameter(std::string field, const std::string& message)
        : std::runtime_error(message), field_(std::move(field)) {}
    const std::string& field() const noexcept { return field_; }

  private:
    std::string field_;
};

// Parses and validates the params JSON. `default_region` is the config's region ("" = none);
// when `require_region` is false a missing Region is accepted (used when the instance cannot
// call the API anyway, so that the real cause is reported). Throws invalid_parameter.
detach_params parse_detach_params(std::string_view json, const std::string& default_region,
                                  bool require_region = true);

// The rules of the id parameters (1-64 of [A-Za-z0-9._:-]) and of Device (/dev/ followed by
// letters, digits and . _ - /, no "..", at most 64): also applied to the service's Zone,
// MountInstance and Drive before the plugin uses one as such.
bool is_valid_id(std::string_view value);
bool is_valid_device(std::string_view value);

// True for keys that look like credentials (PublicKey, private_key, Signature, Password, ...).
bool is_credential_like_key(std::string_view key);

}  // namespace compshare::detach
