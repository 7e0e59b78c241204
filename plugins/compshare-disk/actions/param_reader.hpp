// The rules every compshare-disk action applies to its parameters: the size limit, the strict
// JSON reader, credential-like and unknown keys refused, and typed field readers. Each action's
// own params file lists its keys and calls these.
#pragma once

#include <actionhost/json/members.hpp>

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace compshare::detach {

// Raw parameter blobs above this size are refused before parsing.
inline constexpr std::size_t max_params_bytes = 64 * 1024;
inline constexpr std::size_t max_id_length = 64;
inline constexpr std::size_t max_client_token_length = 256;  // code points
inline constexpr double min_wait_timeout_seconds = 0.1;
inline constexpr double max_wait_timeout_seconds = 3600;
inline constexpr double min_poll_interval_seconds = 0.1;
inline constexpr double max_poll_interval_seconds = 60;

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

// The control parameters shared by the actions that write: how to wait, dry run, precheck and
// the correlation id.
struct run_controls {
    bool wait = true;
    double wait_timeout_seconds = 300;
    double poll_interval_seconds = 3;
    bool dry_run = false;
    bool precheck = true;
    std::optional<std::string> client_token;
};

// Their keys, for an action's list of known keys.
inline constexpr std::string_view run_control_keys[] = {
    "Wait", "DryRun", "Precheck", "ClientToken", "WaitTimeoutSeconds", "PollIntervalSeconds"};

// An action's own keys followed by run_control_keys.
inline std::vector<std::string_view> with_run_controls(
    std::initializer_list<std::string_view> own) {
    std::vector<std::string_view> keys(own);
    keys.insert(keys.end(), std::begin(run_control_keys), std::end(run_control_keys));
    return keys;
}

// A parsed params object with the action's known keys: refuses a blob over max_params_bytes,
// invalid JSON, a non-object, then credential-like keys (before anything else, without quoting
// the value), then keys not in `known`.
class param_reader {
  public:
    param_reader(std::string_view json, const std::vector<std::string_view>& known);

    bool has(const char* key) const { return params_.find(key) != nullptr; }

    // A required or optional id (1-64 of [A-Za-z0-9._:-]); "" when optional and absent.
    std::string required_id(const char* key) const;
    std::string optional_id(const char* key) const;
    // Region: the params', else `default_region`; "" only when `required` is false.
    std::string region(const std::string& default_region, bool required) const;
    std::string string(const char* key) const;  // any string
    std::optional<bool> optional_bool(const char* key) const;
    run_controls controls() const;

  private:
    using member = actionhost::json::member;
    const member& get(const char* key) const { return *params_.find(key); }
    static std::string id_of(const member& value, const char* key);

    actionhost::json::object_members params_;  // a flat object: no DOM is built
};

// The rule of the id parameters (1-64 of [A-Za-z0-9._:-]): also applied to the service's Zone,
// MountInstance and the like before the plugin uses one as such.
bool is_valid_id(std::string_view value);

// True for keys that look like credentials (PublicKey, private_key, Signature, Password, ...).
bool is_credential_like_key(std::string_view key);

}  // namespace compshare::detach
