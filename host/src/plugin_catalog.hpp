// Finds plugins: the search path and the manifests in it, without loading any library.
#pragma once

#include "manifest.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace actionhost::core {

// The search path in order: each DIR of --plugin-path (DIR[:DIR...]), then each of
// ACTIONHOST_PLUGIN_PATH, then the default folder (the install/build location next to the
// executable). Empty entries are skipped.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::string>& cli_paths, const char* env_value,
    const std::optional<std::filesystem::path>& default_dir);

// The plugin folder relative to the running executable (/proc/self/exe), or nullopt when the
// executable's location cannot be read.
std::optional<std::filesystem::path> default_plugin_dir();

class plugin_catalog {
  public:
    struct problem {
        std::filesystem::path file;
        std::string message;
    };

    // Scans every directory (missing ones are skipped, unreadable ones noted) for *.json manifests,
    // in directory order and then file-name order. The first manifest of a name wins.
    static plugin_catalog scan(const std::vector<std::filesystem::path>& dirs);

    const std::vector<manifest>& plugins() const { return plugins_; }
    // Manifests that did not parse, and unreadable search-path folders.
    const std::vector<problem>& problems() const { return problems_; }
    // Manifests hidden by an earlier one of the same name ("shadowed by ...").
    const std::vector<problem>& shadowed() const { return shadowed_; }
    const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

    const manifest* find(const std::string& name) const;
    // Like find(), but throws host_error(PluginNotFound) naming the folders searched.
    const manifest& require(const std::string& name) const;

  private:
    std::vector<std::filesystem::path> dirs_;
    std::vector<manifest> plugins_;
    std::vector<problem> problems_;
    std::vector<problem> shadowed_;
};

}  // namespace actionhost::core
