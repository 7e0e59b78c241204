#include "param_reader.hpp"

#include <actionhost/json/member_slots.hpp>
#include <actionhost/json/reader.hpp>
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
    return is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
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

using value = param_reader::value;

// The field names are literals: a std::string of one is made only for an error.
std::string take_string(value& v, const char* field) {
    if (v.type != value::kind::string)
        throw invalid_parameter(field, std::string(field) + " must be a string");
    return std::move(v.text);
}

bool get_bool(const value& v, const char* field) {
    if (v.type != value::kind::boolean) {
        throw invalid_parameter(field, std::string(field) + " must be a boolean (true or false)");
    }
    return v.boolean;
}

double get_seconds(const value& v, const std::string& field, double min, double max) {
    if (v.type != value::kind::number) {
        throw invalid_parameter(field, field + " must be a number of seconds");
    }
    const double seconds = v.number.as_double();
    if (!(seconds >= min && seconds <= max)) {  // also refuses NaN
        auto text = [](double x) {
            std::string s = std::to_string(x);
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

// Keeps `name` when it comes before the one kept so far (messages name keys in name order).
void keep_first(std::optional<std::string>& kept, std::string_view name) {
    if (!kept || name < *kept)
        kept.emplace(name);
}

}  // namespace

// Fills the slots of the known keys among the document's own members, and keeps the first
// credential-like and the first other unknown key. It throws nothing of its own, so that an
// error of the document is reported first; the key checks run after the whole text was read.
class param_reader::collector final : public actionhost::json::member_slots<value> {
  public:
    explicit collector(param_reader& reader) : reader_(reader) {}

    std::optional<std::string> first_credential;  // in name order
    std::optional<std::string> first_unknown;     // in name order, credentials aside

  private:
    value* slot_for(std::string_view name) override {
        value* slot = reader_.slot(name);
        if (slot == nullptr) {
            // No known key looks like a credential (a test checks): only the others are looked at.
            keep_first(is_credential_like_key(name) ? first_credential : first_unknown, name);
        }
        return slot;
    }

    param_reader& reader_;
};

namespace {

void check_size(std::string_view json) {
    if (json.size() > max_params_bytes) {
        throw invalid_parameter("", "params are too large (" + std::to_string(json.size()) +
                                        " bytes; at most " + std::to_string(max_params_bytes) +
                                        ")");
    }
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
    : known_(known) {
    if (known.size() > max_known_keys)
        throw std::logic_error("param_reader: more known keys than slots");
    check_size(json);
    collector events(*this);
    try {
        // The parameters are flat: deep nesting is refused early. The reader's reasons never
        // quote a value (a secret could be one), only a repeated member name.
        actionhost::json::parse(json, events, {false, 8});
    } catch (const actionhost::json::parse_error& e) {
        throw invalid_parameter("", std::string("params are not valid JSON (") + e.where() + ": " +
                                        e.reason().substr(0, 100) + ")");
    }
    if (!events.is_object)
        throw invalid_parameter("", "params must be a JSON object");
    // Credentials first: the message must say why, and must not quote the value. Then the first
    // unknown key.
    if (const auto& key = events.first_credential) {
        throw invalid_parameter(
            *key, "parameter " + quoted_key(*key) +
                      " looks like a credential; credentials are never accepted in the action "
                      "parameters (workflow engines keep parameters in their history). Put the "
                      "keys in the instance config, the environment (COMPSHARE_PUBLIC_KEY, "
                      "COMPSHARE_PRIVATE_KEY) or a compshare-cli profile");
    }
    if (const auto& key = events.first_unknown) {
        std::string allowed;
        for (auto name : known)
            allowed += (allowed.empty() ? "" : ", ") + std::string(name);
        throw invalid_parameter(
            *key, "unknown parameter " + quoted_key(*key) + " (allowed: " + allowed + ")");
    }
}

param_reader::value* param_reader::slot(std::string_view key) {
    for (std::size_t i = 0; i < known_.size(); ++i) {
        if (known_[i] == key)
            return &slots_[i];
    }
    return nullptr;
}

std::string param_reader::required_id(const char* key) {
    value* v = given(key);
    if (v == nullptr)
        throw invalid_parameter(key, std::string(key) + " is required");
    return id_of(*v, key);
}

std::string param_reader::optional_id(const char* key) {
    value* v = given(key);
    return v == nullptr ? std::string() : id_of(*v, key);
}

std::string param_reader::id_of(value& v, const char* key) {
    std::string text = take_string(v, key);
    if (!is_valid_id(text))
        check_id(key, text);  // says why
    return text;
}

std::string param_reader::region(const std::string& default_region, bool required) {
    if (value* v = given("Region"))
        return id_of(*v, "Region");
    if (default_region.empty() && required) {
        throw invalid_parameter("Region",
                                "Region is required (give Region, or set region in the "
                                "instance config or COMPSHARE_REGION)");
    }
    return default_region;
}

std::string param_reader::string(const char* key) {
    value* v = given(key);
    return v == nullptr ? std::string() : take_string(*v, key);
}

std::optional<bool> param_reader::optional_bool(const char* key) {
    const value* v = given(key);
    if (v == nullptr)
        return std::nullopt;
    return get_bool(*v, key);
}

run_controls param_reader::controls() {
    run_controls c;
    c.wait = optional_bool("Wait").value_or(c.wait);
    c.dry_run = optional_bool("DryRun").value_or(c.dry_run);
    c.precheck = optional_bool("Precheck").value_or(c.precheck);
    if (const value* v = given("WaitTimeoutSeconds")) {
        c.wait_timeout_seconds = get_seconds(*v, "WaitTimeoutSeconds", min_wait_timeout_seconds,
                                             max_wait_timeout_seconds);
    }
    if (const value* v = given("PollIntervalSeconds")) {
        c.poll_interval_seconds = get_seconds(*v, "PollIntervalSeconds", min_poll_interval_seconds,
                                              max_poll_interval_seconds);
    }
    if (value* v = given("ClientToken")) {
        c.client_token = take_string(*v, "ClientToken");
        check_client_token(*c.client_token);
    }
    return c;
}

}  // namespace compshare::detach
