// A plugin's manifest file: parsed and validated, with the library path resolved relative to it.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <string>
#include <vector>

namespace actionhost::core {

struct action_info {
    std::string name;
    std::string description;
    Poco::JSON::Object::Ptr params_schema;
    Poco::JSON::Object::Ptr result_schema;
};

struct manifest {
    std::filesystem::path file;  // the manifest file itself
    std::string name;            // matches [a-z0-9][a-z0-9_-]* (no '.': PLUGIN.ACTION)
    std::string version;
    std::string api_version;
    std::string description;
    std::filesystem::path library;  // resolved against the manifest's directory
    Poco::JSON::Object::Ptr config_schema;
    std::vector<action_info> actions;
    Poco::JSON::Object::Ptr document;  // the whole parsed file
    std::string text;                  // the file's bytes (a byte-equal embedded copy needs no
                                       // field-by-field comparison)

    const action_info* find_action(const std::string& action) const;
};

// Largest manifest file the host reads.
inline constexpr std::size_t max_manifest_bytes = 1024 * 1024;

// Parses manifest JSON text. Throws host_error(PluginLoadFailed) naming `file` and the field:
// "manifest /x/y.json: field \"actions[1].name\" must be a string".
manifest parse_manifest(const std::string& text, const std::filesystem::path& file);

// Reads and parses a manifest file (same errors, plus unreadable or oversized files).
manifest load_manifest(const std::filesystem::path& file);

// True when a plugin or action name is valid: [a-z0-9][a-z0-9_-]*, at most 64 characters.
bool valid_name(const std::string& name);

}  // namespace actionhost::core
