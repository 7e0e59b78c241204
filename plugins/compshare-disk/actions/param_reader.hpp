// The rules every compshare-disk action applies to its parameters: the size limit, the strict
// JSON reader, credential-like and unknown keys refused, and typed field readers. Each action's
// own params file lists its keys and calls these.
#pragma once

#include <actionhost/json/handler.hpp>

#include <array>
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

// A params object read for the action's known keys, straight into one slot per key (no DOM, no
// member list): refuses a blob over max_params_bytes, invalid JSON, a non-object, then
// credential-like keys (before anything else, without quoting the value), then keys not in
// `known`. The accessors hand each value over once: they move it out of its slot.
class param_reader {
  public:
    // At most max_known_keys keys; `known` must outlive the reader.
    param_reader(std::string_view json, const std::vector<std::string_view>& known);
    param_reader(std::string_view json, std::vector<std::string_view>&& known) = delete;

    bool has(std::string_view key) { return given(key) != nullptr; }

    // A required or optional id (1-64 of [A-Za-z0-9._:-]); "" when optional and absent.
    std::string required_id(const char* key);
    std::string optional_id(const char* key);
    // Region: the params', else `default_region`; "" only when `required` is false.
    std::string region(const std::string& default_region, bool required);
    std::string string(const char* key);  // any string
    std::optional<bool> optional_bool(const char* key);
    run_controls controls();

    static constexpr std::size_t max_known_keys = 16;

    // One known key's value as read.
    struct value {
        enum class kind { absent, null, boolean, number, string, object, array };
        kind type = kind::absent;
        bool boolean = false;             // when type is boolean
        actionhost::json::number number;  // when type is number
        std::string text;                 // when type is string
    };

  private:
    class collector;  // the json::handler that fills the slots

    value* slot(std::string_view key);  // the slot of a known key, else nullptr
    // The slot of `key` when the params gave it, else nullptr.
    value* given(std::string_view key) {
        value* v = slot(key);
        return v != nullptr && v->type != value::kind::absent ? v : nullptr;
    }
    static std::string id_of(value& v, const char* key);

    const std::vector<std::string_view>& known_;
    std::array<value, max_known_keys> slots_;  // slots_[i] holds known_[i]
};

// ASCII letters and digits, whatever the process's locale: std::isalnum follows the locale, which
// a host may set (Python does), and in a single-byte one it takes bytes above 0x7F for letters.
constexpr bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The rule of the id parameters (1-64 of [A-Za-z0-9._:-]): also applied to the service's Zone,
// MountInstance and the like before the plugin uses one as such.
bool is_valid_id(std::string_view value);

// True for keys that look like credentials (PublicKey, private_key, Signature, Password, ...).
bool is_credential_like_key(std::string_view key);

}  // namespace compshare::detach
