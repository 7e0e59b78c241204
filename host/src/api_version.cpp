#include "api_version.hpp"

#include <actionhost/plugin_api.h>

#include <charconv>

namespace actionhost::core {

std::optional<api_version> api_version::parse(std::string_view text) {
    api_version v;
    unsigned* parts[] = {&v.major, &v.minor, &v.patch};
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 3; ++i) {
        if (i > 0) {
            if (p == end || *p != '.')
                return std::nullopt;
            ++p;
        }
        if (p == end || *p < '0' || *p > '9')
            return std::nullopt;  // no sign, no blank
        const auto [next, ec] = std::from_chars(p, end, *parts[i]);
        if (ec != std::errc())
            return std::nullopt;
        p = next;
    }
    if (p != end)
        return std::nullopt;
    return v;
}

std::string api_version::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

api_version host_api_version() {
    return {AH_PLUGIN_API_VERSION_MAJOR, AH_PLUGIN_API_VERSION_MINOR, AH_PLUGIN_API_VERSION_PATCH};
}

std::string check_api_version(std::string_view plugin_text, const api_version& host) {
    const auto plugin = api_version::parse(plugin_text);
    const std::string versions = "built for plugin API \"" + std::string(plugin_text) +
                                 "\" but this host implements " + host.str();
    if (!plugin)
        return versions + ": the plugin's version is not MAJOR.MINOR.PATCH";
    const std::string host_old = versions + ": the host is too old (upgrade actionhost)";
    const std::string plugin_old = versions + ": the plugin is too old (rebuild it against " +
                                   std::to_string(host.major) + ".x)";
    if (plugin->major > host.major)
        return host_old;
    if (plugin->major < host.major)
        return plugin_old;
    if (plugin->minor > host.minor)
        return host_old;
    if (plugin->minor == host.minor && plugin->patch > host.patch)
        return host_old;
    return "";
}

}  // namespace actionhost::core
