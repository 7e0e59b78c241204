// A plugin's manifest file: parsed and validated, with the library path resolved relative to it.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actionhost::core {

// The kind of failure an error type is; the host maps it to an exit code (exit_codes.hpp).
enum class error_class {
    usage,
    credentials,
    precondition,
    remote,
    transient,
    timeout,
    cancelled,
    internal
};

// "usage", "credentials", ...; and back (nullopt for a name that is not a class).
std::string_view error_class_name(error_class c);
std::optional<error_class> error_class_from_name(std::string_view name);

// One entry of the manifest's "errors": an error.type the plugin's actions can return.
struct error_decl {
    std::string type;
    error_class kind = error_class::internal;
    bool retryable = false;
    std::string description;
};

struct action_info {
    std::string name;
    std::string description;
    std::size_t index = 0;  // its place in the manifest's "actions"
};

struct manifest {
    std::filesystem::path file;  // the manifest file itself
    std::string name;            // matches [a-z0-9][a-z0-9_-]* (no '.': PLUGIN.ACTION)
    std::string version;
    std::string api_version;
    std::string description;
    std::filesystem::path library;   // resolved against the manifest's directory
    std::vector<error_decl> errors;  // sorted by type
    std::vector<action_info> actions;
    std::string text;  // the file's bytes: the schemas are read from it when needed
                       // (manifest_schemas), and a byte-equal embedded copy needs no
                       // field-by-field comparison

    const action_info* find_action(const std::string& action) const;
    const error_decl* find_error(std::string_view type) const;
};

// The JSON Schemas of a manifest, parsed from its text only by the commands that show or check
// them (describe, check): checking that each is an object is all that loading a manifest does.
class manifest_schemas {
  public:
    explicit manifest_schemas(const manifest& m);
    Poco::JSON::Object::Ptr config() const;
    Poco::JSON::Object::Ptr params(const action_info& action) const;
    Poco::JSON::Object::Ptr result(const action_info& action) const;

  private:
    Poco::JSON::Object::Ptr action(const action_info& action) const;

    Poco::JSON::Object::Ptr document_;
};

// Largest manifest file the host reads.
inline constexpr std::size_t max_manifest_bytes = 1024 * 1024;

// Parses manifest JSON text. Throws host_error(PluginLoadFailed) naming `file` and the field:
// "manifest /x/y.json: field \"actions[1].name\" must be a string".
manifest parse_manifest(const std::string& text, const std::filesystem::path& file);

// Reads and parses a manifest file (same errors, plus unreadable or oversized files).
manifest load_manifest(const std::filesystem::path& file);

// Where the declared errors and the error.type values that the actions' result schemas allow
// (result_schema.properties.error.properties.type.enum) disagree: an action whose schema does not
// list its types, a listed type that is not declared, a declared type no action lists. Empty
// when they agree.
std::vector<std::string> error_declaration_problems(const manifest& m);

// True when a plugin or action name is valid: [a-z0-9][a-z0-9_-]*, at most 64 characters.
bool valid_name(const std::string& name);

}  // namespace actionhost::core
