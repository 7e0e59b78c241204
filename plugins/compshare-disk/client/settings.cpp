// resolve_settings(): config JSON, then environment, then the compshare-cli profile file.
#include "settings.hpp"

#include "endpoint.hpp"
#include "expand_user.hpp"
#include "profile_file.hpp"
#include "proxy.hpp"

#include <Poco/JSON/Object.h>
#include <actionhost/json/reader.hpp>

#include <actionhost/plugin.hpp>

#include <sys/stat.h>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

namespace compshare {

namespace {

const std::set<std::string> known_keys = {
    "public_key", "private_key",     "profile",     "config_file", "base_url", "region",
    "project_id", "timeout_seconds", "max_retries", "ca_file",     "proxy"};

[[noreturn]] void invalid(const std::string& message) {
    throw settings_error("InvalidParameter", message);
}

// What a string value may look like. Keys and ids: printable ASCII without spaces. Paths and
// URLs: no control characters. The value itself never appears in a message.
enum class text_kind { token, path };

void check_text(const std::string& what, const std::string& value, text_kind kind) {
    const std::size_t max = kind == text_kind::token ? 256 : 4096;
    if (value.size() > max)
        invalid(what + " is too long (at most " + std::to_string(max) + ")");
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            invalid(what + " contains a control character");
        if (kind == text_kind::token && (c == ' ' || c >= 0x80)) {
            invalid(what + " must be printable ASCII without spaces");
        }
    }
}

text_kind kind_of(const std::string& key) {
    return key == "config_file" || key == "ca_file" || key == "base_url" || key == "proxy"
               ? text_kind::path
               : text_kind::token;
}

// One config value per key that was given (empty strings count as not given).
struct config_values {
    std::map<std::string, std::string> strings;
    std::optional<double> timeout_seconds;
    std::optional<int> max_retries;
};

config_values parse_config(std::string_view config_json) {
    config_values out;
    const auto first = config_json.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return out;  // "" = {}

    Poco::JSON::Object::Ptr root;
    try {
        root = actionhost::json::as_object(actionhost::json::parse(config_json));
    } catch (const actionhost::json::parse_error& e) {
        // The reader never quotes a value (a key could be one), only a repeated member name.
        invalid("the instance config is not valid JSON (" + e.where() + ": " + e.reason() + ")");
    }
    if (!root)
        invalid("the instance config must be a JSON object");

    for (const auto& [key, value] : *root) {
        if (known_keys.count(key) == 0) {
            invalid("unknown config key " + actionhost::json_quote(key.substr(0, 64)) +
                    " (known: public_key, private_key, profile, config_file, base_url, region, "
                    "project_id, timeout_seconds, max_retries, ca_file, proxy)");
        }
        const std::string what = "config '" + key + "'";
        if (key == "timeout_seconds") {
            if (value.isBoolean() || !value.isNumeric())
                invalid(what + " must be a number");
            const double seconds = value.convert<double>();
            if (!std::isfinite(seconds) || seconds <= 0 || seconds > 3600) {
                invalid(what + " must be greater than 0 and at most 3600");
            }
            out.timeout_seconds = seconds;
        } else if (key == "max_retries") {
            if (value.isBoolean() || !value.isNumeric())
                invalid(what + " must be an integer");
            const double retries = value.convert<double>();
            if (retries != std::floor(retries))
                invalid(what + " must be an integer");
            if (retries < 0 || retries > 10)
                invalid(what + " must be between 0 and 10");
            out.max_retries = static_cast<int>(retries);
        } else {
            if (!value.isString())
                invalid(what + " must be a string");
            const auto text = value.extract<std::string>();
            check_text(what, text, kind_of(key));
            if (!text.empty())
                out.strings[key] = text;
        }
    }
    return out;
}

// An environment variable, empty = unset, checked like the config key it stands for.
std::optional<std::string> from_env(const env_lookup& env, const char* name, text_kind kind) {
    auto value = env(name);
    if (!value || value->empty())
        return std::nullopt;
    check_text(std::string("environment variable ") + name, *value, kind);
    return value;
}

std::optional<std::string> config_string(const config_values& config, const std::string& key) {
    const auto it = config.strings.find(key);
    if (it == config.strings.end())
        return std::nullopt;
    return it->second;
}

// Where a value came from, for messages and credentials_source.
struct sourced {
    std::string value;
    std::string source;  // "config", "environment", "" = not found
};

sourced pick(const config_values& config, const std::string& key, const env_lookup& env,
             const char* env_name) {
    if (auto v = config_string(config, key))
        return {*v, "config"};
    if (auto v = from_env(env, env_name, kind_of(key)))
        return {*v, "environment"};
    return {};
}

// $XDG_CONFIG_HOME/compshare/config.json, else $HOME/.config/compshare/config.json, else "".
std::string default_profile_file(const env_lookup& env) {
    if (auto xdg = from_env(env, "XDG_CONFIG_HOME", text_kind::path)) {
        return *xdg + "/compshare/config.json";
    }
    if (auto home = from_env(env, "HOME", text_kind::path)) {
        return *home + "/.config/compshare/config.json";
    }
    return {};
}

void check_ca_file(const std::string& path, const std::string& origin) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        invalid("ca_file " + path + " (from " + origin + ") does not exist or is not a file");
    }
    std::ifstream probe(path);
    if (!probe)
        invalid("ca_file " + path + " (from " + origin + ") cannot be read");
}

}  // namespace

env_lookup process_environment() {
    return [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (value == nullptr)
            return std::nullopt;
        return std::string(value);
    };
}

client_settings resolve_settings(std::string_view config_json, const env_lookup& env) {
    config_values config = parse_config(config_json);
    client_settings out;

    if (auto v = pick(config, "base_url", env, "COMPSHARE_BASE_URL"); !v.source.empty()) {
        out.base_url = v.value;
    }
    const endpoint target = parse_base_url(out.base_url);  // throws for a refused URL

    // As curl: the lower-case name first. The value is never quoted (it may hold a password).
    const char* const proxy_vars[] = {target.secure ? "https_proxy" : "http_proxy",
                                      target.secure ? "HTTPS_PROXY" : "HTTP_PROXY"};
    if (auto v = config_string(config, "proxy")) {
        out.proxy = *v;
        out.proxy_origin = "config proxy";
    } else {
        for (const char* name : proxy_vars) {
            if (auto value = from_env(env, name, text_kind::path)) {
                out.proxy = *value;
                out.proxy_origin = std::string("env ") + name;
                break;
            }
        }
    }
    for (const char* name : {"no_proxy", "NO_PROXY"}) {
        if (auto value = from_env(env, name, text_kind::path)) {
            out.no_proxy = *value;
            break;
        }
    }
    select_proxy(out.proxy, out.proxy_origin, out.no_proxy, target);  // throws when refused

    if (auto v = pick(config, "region", env, "COMPSHARE_REGION"); !v.source.empty()) {
        out.region = v.value;
    }
    if (auto v = config_string(config, "project_id"))
        out.project_id = *v;
    if (config.timeout_seconds) {
        const auto ms = std::llround(*config.timeout_seconds * 1000.0);
        out.timeout = std::chrono::milliseconds(ms < 1 ? 1 : ms);
    }
    if (config.max_retries)
        out.max_retries = *config.max_retries;

    if (auto v = pick(config, "ca_file", env, "COMPSHARE_CA_FILE"); !v.source.empty()) {
        check_ca_file(v.value, v.source == "config" ? "config ca_file" : "env COMPSHARE_CA_FILE");
        out.ca_file = v.value;
    }
    // OpenSSL's own names (X509_get_default_cert_file_env(), _dir_env()); read here so that
    // tests inject them like every other variable.
    if (auto v = from_env(env, "SSL_CERT_FILE", text_kind::path))
        out.ssl_cert_file = *v;
    if (auto v = from_env(env, "SSL_CERT_DIR", text_kind::path))
        out.ssl_cert_dir = *v;

    // Keys: each one independently from config, then environment, then the profile file.
    sourced pub = pick(config, "public_key", env, "COMPSHARE_PUBLIC_KEY");
    sourced priv = pick(config, "private_key", env, "COMPSHARE_PRIVATE_KEY");

    const sourced profile_name = pick(config, "profile", env, "COMPSHARE_PROFILE");
    const sourced named_file = pick(config, "config_file", env, "COMPSHARE_CONFIG_FILE");
    const std::string profile_origin =
        profile_name.source == "config" ? "config profile" : "env COMPSHARE_PROFILE";
    const std::string file_origin =
        named_file.source == "config" ? "config config_file" : "env COMPSHARE_CONFIG_FILE";

    // A leading "~" is expanded as compshare-cli does, so the same setting finds the same file.
    const std::string file =
        named_file.source.empty() ? default_profile_file(env) : expand_user(named_file.value, env);
    const bool need_file = pub.source.empty() || priv.source.empty() ||
                           !profile_name.source.empty() || !named_file.source.empty();

    std::optional<profile_lookup> profile;
    if (need_file && !file.empty()) {
        profile = read_profile_file(file, profile_name.value);
        if (!profile->file_found && !named_file.source.empty()) {
            throw settings_error("CredentialsMissing", "the compshare-cli profile file " + file +
                                                           " named by " + file_origin +
                                                           " does not exist");
        }
        if (profile->file_found && !profile->profile_found && !profile_name.source.empty()) {
            throw settings_error("CredentialsMissing", "profile '" + profile->profile +
                                                           "' named by " + profile_origin +
                                                           " is not in " + file);
        }
        if (!profile_name.source.empty() && !profile->file_found) {
            throw settings_error("CredentialsMissing",
                                 "profile '" + profile->profile + "' named by " + profile_origin +
                                     ": the profile file " + file + " does not exist");
        }
        const std::string source = "profile '" + profile->profile + "' of " + file;
        if (pub.source.empty() && !profile->public_key.empty()) {
            pub = {profile->public_key, source};
        }
        if (priv.source.empty() && !profile->private_key.empty()) {
            priv = {profile->private_key, source};
        }
    }

    if (pub.source.empty() || priv.source.empty()) {
        std::string missing = pub.source.empty() && priv.source.empty() ? "public and private key"
                              : pub.source.empty()                      ? "public key"
                                                                        : "private key";
        std::string places =
            "config public_key/private_key, env COMPSHARE_PUBLIC_KEY/COMPSHARE_PRIVATE_KEY, ";
        if (profile) {
            places +=
                "profile '" + profile->profile + "' in " + file + " (" + profile->status() + ")";
        } else {
            places += "no profile file (neither XDG_CONFIG_HOME nor HOME is set)";
        }
        throw settings_error("CredentialsMissing",
                             "no Compshare API " + missing + " found; looked at: " + places);
    }
    check_text("the public key", pub.value, text_kind::token);
    check_text("the private key", priv.value, text_kind::token);

    out.public_key = pub.value;
    out.private_key = priv.value;
    // The transient copies go; the one kept is in secret_string's pages.
    wipe(priv.value);
    if (profile)
        wipe(profile->private_key);
    if (const auto it = config.strings.find("private_key"); it != config.strings.end())
        wipe(it->second);
    out.credentials_source = pub.source == priv.source ? pub.source
                                                       : "public_key from " + pub.source +
                                                             ", private_key from " + priv.source;
    return out;
}

}  // namespace compshare
