#include "param_reader.hpp"

#include <actionhost/json_writer.hpp>

#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace compshare::detach {
namespace {

// A key name for a message: quoted and cut short, so a huge or binary key cannot flood it.
std::string quoted_key(std::string_view key) {
    constexpr std::size_t limit = 64;
    if (key.size() <= limit)
        return actionhost::json_quote(key);
    return actionhost::json_quote(key.substr(0, limit)) + "...";
}

bool is_id_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == ':';
}

// Resource ids (UHostId, UDiskId, Region, Zone, ProjectId): 1-64 of [A-Za-z0-9._:-], so no
// whitespace, no control characters and nothing that needs escaping anywhere.
void check_id(const std::string& field, std::string_view value) {
    if (value.empty())
        throw invalid_parameter(field, field + " must not be empty");
    if (value.size() > max_id_length) {
        throw invalid_parameter(field, field + " is too long (at most " +
                                           std::to_string(max_id_length) + " characters)");
    }
    if (!std::all_of(value.begin(), value.end(), is_id_char)) {
        throw invalid_parameter(field, field +
                                           " may contain only letters, digits and . _ : - (no "
                                           "whitespace or control characters)");
    }
}

void check_client_token(const std::string& value) {
    Poco::UTF8Encoding utf8;
    Poco::TextIterator it(value, utf8);
    const Poco::TextIterator end(value);
    std::size_t count = 0;
    for (; it != end; ++it, ++count) {
        const int c = *it;
        if (c < 0)
            throw invalid_parameter("ClientToken", "ClientToken must be valid UTF-8");
        if (c < 0x20 || c == 0x7F) {
            throw invalid_parameter("ClientToken",
                                    "ClientToken must not contain control characters");
        }
    }
    if (count > max_client_token_length) {
        throw invalid_parameter("ClientToken", "ClientToken is too long (at most " +
                                                   std::to_string(max_client_token_length) +
                                                   " characters)");
    }
}

using actionhost::json::member;

// The field names are literals: a std::string of one is made only for an error.
const std::string& get_string(const member& value, const char* field) {
    if (value.type != member::kind::string)
        throw invalid_parameter(field, std::string(field) + " must be a string");
    return value.text;
}

bool get_bool(const member& value, const char* field) {
    if (value.type != member::kind::boolean) {
        throw invalid_parameter(field, std::string(field) + " must be a boolean (true or false)");
    }
    return value.boolean;
}

double get_seconds(const member& value, const std::string& field, double min, double max) {
    if (value.type != member::kind::number) {
        throw invalid_parameter(field, field + " must be a number of seconds");
    }
    const double seconds = value.number.as_double();
    if (!(seconds >= min && seconds <= max)) {  // also refuses NaN
        auto text = [](double v) {
            std::string s = std::to_string(v);
            s.erase(s.find_last_not_of('0') + 1);
            if (!s.empty() && s.back() == '.')
                s.pop_back();
            return s;
        };
        throw invalid_parameter(field,
                                field + " must be between " + text(min) + " and " + text(max));
    }
    return seconds;
}

actionhost::json::object_members parse_object(std::string_view json) {
    if (json.size() > max_params_bytes) {
        throw invalid_parameter("", "params are too large (" + std::to_string(json.size()) +
                                        " bytes; at most " + std::to_string(max_params_bytes) +
                                        ")");
    }
    actionhost::json::object_members object;
    try {
        // The parameters are flat: deep nesting is refused early. The reader's reasons never
        // quote a value (a secret could be one), only a repeated member name.
        object = actionhost::json::read_members(json, {false, 8});
    } catch (const actionhost::json::parse_error& e) {
        throw invalid_parameter("", std::string("params are not valid JSON (") + e.where() + ": " +
                                        e.reason().substr(0, 100) + ")");
    }
    if (!object.is_object)
        throw invalid_parameter("", "params must be a JSON object");
    return object;
}

}  // namespace

bool is_valid_id(std::string_view value) {
    return !value.empty() && value.size() <= max_id_length &&
           std::all_of(value.begin(), value.end(), is_id_char);
}

bool is_credential_like_key(std::string_view key) {
    std::string norm;
    for (char c : key) {
        if (c == '_' || c == '-' || c == '.' || c == ' ')
            continue;
        norm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static constexpr std::array<std::string_view, 15> exact = {
        "publickey",  "signature",       "accesskey",     "accesskeyid",
        "apikey",     "token",           "securitytoken", "sessiontoken",
        "credential", "credentials",     "passwd",        "ak",
        "sk",         "sshlogincommand", "authorization"};
    static constexpr std::array<std::string_view, 3> parts = {"privatekey", "secret", "password"};
    if (std::find(exact.begin(), exact.end(), norm) != exact.end())
        return true;
    for (auto part : parts) {
        if (norm.find(part) != std::string::npos)
            return true;
    }
    return false;
}

param_reader::param_reader(std::string_view json, const std::vector<std::string_view>& known)
    : params_(parse_object(json)) {
    // Credentials first (in name order): the message must say why, and must not quote the
    // value. No known key looks like a credential (a test checks), so only the others are
    // looked at. Then the first unknown key, in name order.
    const std::string* unknown = nullptr;
    for (const auto& entry : params_.members) {
        if (std::find(known.begin(), known.end(), std::string_view(entry.name)) != known.end())
            continue;
        if (is_credential_like_key(entry.name)) {
            throw invalid_parameter(
                entry.name,
                "parameter " + quoted_key(entry.name) +
                    " looks like a credential; credentials are never accepted in the action "
                    "parameters (workflow engines keep parameters in their history). Put the "
                    "keys in the instance config, the environment (COMPSHARE_PUBLIC_KEY, "
                    "COMPSHARE_PRIVATE_KEY) or a compshare-cli profile");
        }
        if (unknown == nullptr)
            unknown = &entry.name;
    }
    if (unknown != nullptr) {
        std::string allowed;
        for (auto key : known)
            allowed += (allowed.empty() ? "" : ", ") + std::string(key);
        throw invalid_parameter(
            *unknown, "unknown parameter " + quoted_key(*unknown) + " (allowed: " + allowed + ")");
    }
}

std::string param_reader::required_id(const char* key) const {
    const member* value = params_.find(key);
    if (value == nullptr)
        throw invalid_parameter(key, std::string(key) + " is required");
    return id_of(*value, key);
}

std::string param_reader::optional_id(const char* key) const {
    const member* value = params_.find(key);
    return value == nullptr ? std::string() : id_of(*value, key);
}

std::string param_reader::id_of(const member& value, const char* key) {
    const std::string& text = get_string(value, key);
    if (!is_valid_id(text))
        check_id(key, text);  // says why
    return text;
}

std::string param_reader::region(const std::string& default_region, bool required) const {
    if (const member* value = params_.find("Region"))
        return id_of(*value, "Region");
    if (default_region.empty() && required) {
        throw invalid_parameter("Region",
                                "Region is required (give Region, or set region in the "
                                "instance config or COMPSHARE_REGION)");
    }
    return default_region;
}

std::string param_reader::string(const char* key) const {
    const member* value = params_.find(key);
    return value == nullptr ? std::string() : get_string(*value, key);
}

std::optional<bool> param_reader::optional_bool(const char* key) const {
    const member* value = params_.find(key);
    if (value == nullptr)
        return std::nullopt;
    return get_bool(*value, key);
}

run_controls param_reader::controls() const {
    run_controls c;
    c.wait = optional_bool("Wait").value_or(c.wait);
    c.dry_run = optional_bool("DryRun").value_or(c.dry_run);
    c.precheck = optional_bool("Precheck").value_or(c.precheck);
    if (has("WaitTimeoutSeconds")) {
        c.wait_timeout_seconds = get_seconds(get("WaitTimeoutSeconds"), "WaitTimeoutSeconds",
                                             min_wait_timeout_seconds, max_wait_timeout_seconds);
    }
    if (has("PollIntervalSeconds")) {
        c.poll_interval_seconds = get_seconds(get("PollIntervalSeconds"), "PollIntervalSeconds",
                                              min_poll_interval_seconds, max_poll_interval_seconds);
    }
    if (has("ClientToken")) {
        c.client_token = get_string(get("ClientToken"), "ClientToken");
        check_client_token(*c.client_token);
    }
    return c;
}

}  // namespace compshare::detach
