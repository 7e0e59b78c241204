#include "detach_params.hpp"

#include <actionhost/json/reader.hpp>
#include <actionhost/json_writer.hpp>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace compshare::detach {
namespace {

constexpr std::array<std::string_view, 12> known_keys = {"Region",
                                                         "Zone",
                                                         "UHostId",
                                                         "UDiskId",
                                                         "Device",
                                                         "ProjectId",
                                                         "Wait",
                                                         "DryRun",
                                                         "Precheck",
                                                         "ClientToken",
                                                         "WaitTimeoutSeconds",
                                                         "PollIntervalSeconds"};

std::string allowed_keys_text() {
    std::string text;
    for (auto key : known_keys) {
        if (!text.empty())
            text += ", ";
        text += key;
    }
    return text;
}

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

bool is_device_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
}

constexpr std::string_view device_prefix = "/dev/";

// Resource ids (UHostId, UDiskId, Region, Zone, ProjectId): 1-64 of [A-Za-z0-9._:-], so no
// whitespace, no control characters and nothing that needs escaping anywhere.
void check_id(const std::string& field, const std::string& value) {
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

void check_device(const std::string& value) {
    if (value.size() > max_device_length) {
        throw invalid_parameter("Device", "Device is too long (at most " +
                                              std::to_string(max_device_length) + " characters)");
    }
    if (!is_valid_device(value)) {
        throw invalid_parameter("Device",
                                "Device must be a device path such as /dev/vdb (/dev/ followed by "
                                "letters, digits and . _ - /, no \"..\")");
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

std::string get_string(const Poco::Dynamic::Var& value, const std::string& field) {
    if (!value.isString())
        throw invalid_parameter(field, field + " must be a string");
    return value.extract<std::string>();
}

bool get_bool(const Poco::Dynamic::Var& value, const std::string& field) {
    if (!value.isBoolean()) {
        throw invalid_parameter(field, field + " must be a boolean (true or false)");
    }
    return value.extract<bool>();
}

double get_seconds(const Poco::Dynamic::Var& value, const std::string& field, double min,
                   double max) {
    if (!value.isNumeric() || value.isBoolean()) {
        throw invalid_parameter(field, field + " must be a number of seconds");
    }
    const double seconds = value.convert<double>();
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

Poco::JSON::Object::Ptr parse_object(std::string_view json) {
    if (json.size() > max_params_bytes) {
        throw invalid_parameter("", "params are too large (" + std::to_string(json.size()) +
                                        " bytes; at most " + std::to_string(max_params_bytes) +
                                        ")");
    }
    Poco::JSON::Object::Ptr object;
    try {
        // The parameters are flat: deep nesting is refused early. The reader's reasons never
        // quote a value (a secret could be one), only a repeated member name.
        object = actionhost::json::as_object(actionhost::json::parse(json, {false, 8}));
    } catch (const actionhost::json::parse_error& e) {
        throw invalid_parameter("", std::string("params are not valid JSON (") + e.where() + ": " +
                                        e.reason().substr(0, 100) + ")");
    }
    if (!object)
        throw invalid_parameter("", "params must be a JSON object");
    return object;
}

}  // namespace

bool is_valid_id(std::string_view value) {
    return !value.empty() && value.size() <= max_id_length &&
           std::all_of(value.begin(), value.end(), is_id_char);
}

bool is_valid_device(std::string_view value) {
    return value.size() > device_prefix.size() && value.size() <= max_device_length &&
           value.substr(0, device_prefix.size()) == device_prefix &&
           std::all_of(value.begin(), value.end(), is_device_char) &&
           value.find("..") == std::string_view::npos;
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

detach_params parse_detach_params(std::string_view json, const std::string& default_region,
                                  bool require_region) {
    const auto object = parse_object(json);

    // Credentials first: the message must say why, and must not quote the value.
    for (const auto& entry : *object) {
        if (is_credential_like_key(entry.first)) {
            throw invalid_parameter(
                entry.first,
                "parameter " + quoted_key(entry.first) +
                    " looks like a credential; credentials are never accepted in the action "
                    "parameters (workflow engines keep parameters in their history). Put the "
                    "keys in the instance config, the environment (COMPSHARE_PUBLIC_KEY, "
                    "COMPSHARE_PRIVATE_KEY) or a compshare-cli profile");
        }
    }
    for (const auto& entry : *object) {
        if (std::find(known_keys.begin(), known_keys.end(), entry.first) == known_keys.end()) {
            throw invalid_parameter(entry.first, "unknown parameter " + quoted_key(entry.first) +
                                                     " (allowed: " + allowed_keys_text() + ")");
        }
    }

    detach_params p;
    const auto has = [&](const char* key) { return object->has(key); };
    const auto get = [&](const char* key) { return object->get(key); };

    if (has("Region")) {
        p.region = get_string(get("Region"), "Region");
        check_id("Region", p.region);
    } else {
        p.region = default_region;
        if (p.region.empty() && require_region) {
            throw invalid_parameter("Region",
                                    "Region is required (give Region, or set region in the "
                                    "instance config or COMPSHARE_REGION)");
        }
    }
    if (has("Zone")) {
        p.zone = get_string(get("Zone"), "Zone");
        check_id("Zone", p.zone);
    }
    for (auto [key, target] : {std::pair{"UHostId", &p.uhost_id}, {"UDiskId", &p.udisk_id}}) {
        if (!has(key))
            throw invalid_parameter(key, std::string(key) + " is required");
        *target = get_string(get(key), key);
        check_id(key, *target);
    }
    if (has("Device")) {
        p.device = get_string(get("Device"), "Device");
        check_device(p.device);
    }
    if (has("ProjectId")) {
        p.project_id = get_string(get("ProjectId"), "ProjectId");
        check_id("ProjectId", p.project_id);
    }
    if (has("Wait"))
        p.wait = get_bool(get("Wait"), "Wait");
    if (has("DryRun"))
        p.dry_run = get_bool(get("DryRun"), "DryRun");
    if (has("Precheck"))
        p.precheck = get_bool(get("Precheck"), "Precheck");
    if (has("WaitTimeoutSeconds")) {
        p.wait_timeout_seconds = get_seconds(get("WaitTimeoutSeconds"), "WaitTimeoutSeconds",
                                             min_wait_timeout_seconds, max_wait_timeout_seconds);
    }
    if (has("PollIntervalSeconds")) {
        p.poll_interval_seconds = get_seconds(get("PollIntervalSeconds"), "PollIntervalSeconds",
                                              min_poll_interval_seconds, max_poll_interval_seconds);
    }
    if (has("ClientToken")) {
        p.client_token = get_string(get("ClientToken"), "ClientToken");
        check_client_token(*p.client_token);
    }
    // Without the precheck nothing reads the disk's Drive, and the API needs Device.
    if (!p.precheck && !p.dry_run && p.device.empty()) {
        throw invalid_parameter("Device",
                                "Device is required when Precheck is false (nothing reads the "
                                "disk's Drive from the instance)");
    }
    return p;
}

}  // namespace compshare::detach
