// Plugin API versions ("MAJOR.MINOR.PATCH") and the compatibility rule of plugin_api.h, with the
// host's messages around the header's parser and rule (ah_plugin_api_version_parse/_check).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actionhost::core {

struct api_version {
    std::uint32_t major = 0;
    std::uint32_t minor = 0;
    std::uint32_t patch = 0;

    // Strict "M.m.p": decimal numbers without leading zeros; nullopt otherwise.
    static std::optional<api_version> parse(std::string_view text);
    std::string str() const;
};

// The version this host was built against (AH_PLUGIN_API_VERSION).
api_version host_api_version();

// Applies the rule (majors equal; host minor >= plugin minor; with equal minors host patch >=
// plugin patch). Returns "" when the plugin is accepted, otherwise why not, naming both versions
// and which side is too old, e.g. "built for plugin API 1.1.0 but this host implements 1.0.0:
// the host is too old (upgrade actionhost)".
std::string check_api_version(std::string_view plugin_version, const api_version& host);

}  // namespace actionhost::core
