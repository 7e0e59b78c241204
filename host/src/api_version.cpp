#include "api_version.hpp"

#include <actionhost/plugin_api.h>

namespace actionhost::core {
namespace {

// The header's functions read NUL-terminated text; an embedded NUL is not a version.
bool has_nul(std::string_view text) {
    return text.find('\0') != std::string_view::npos;
}

}  // namespace

std::optional<api_version> api_version::parse(std::string_view text) {
    const std::string terminated(text);
    std::uint32_t parts[3] = {0, 0, 0};
    if (has_nul(text) || !ah_plugin_api_version_parse(terminated.c_str(), parts))
        return std::nullopt;
    return api_version{parts[0], parts[1], parts[2]};
}

std::string api_version::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

api_version host_api_version() {
    return {AH_PLUGIN_API_VERSION_MAJOR, AH_PLUGIN_API_VERSION_MINOR, AH_PLUGIN_API_VERSION_PATCH};
}

std::string check_api_version(std::string_view plugin_text, const api_version& host) {
    const std::string terminated(plugin_text);
    const ah_api_version_verdict verdict =
        has_nul(plugin_text)
            ? AH_API_VERSION_MALFORMED
            : ah_plugin_api_version_check(terminated.c_str(), host.major, host.minor, host.patch);
    const std::string versions =
        "built for plugin API \"" + terminated + "\" but this host implements " + host.str();
    switch (verdict) {
        case AH_API_VERSION_ACCEPTED:
            return "";
        case AH_API_VERSION_MALFORMED:
            return versions + ": the plugin's version is not MAJOR.MINOR.PATCH";
        case AH_API_VERSION_HOST_TOO_OLD:
            return versions + ": the host is too old (upgrade actionhost)";
        case AH_API_VERSION_PLUGIN_TOO_OLD:
            return versions + ": the plugin is too old (rebuild it against " +
                   std::to_string(host.major) + ".x)";
    }
    return versions + ": unknown verdict of the version rule";
}

}  // namespace actionhost::core
