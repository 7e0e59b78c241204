// One loaded plugin library: Boost.DLL with RTLD_NOW and local binding, the ah_plugin_* exports
// resolved into plugin_api.h's ah_plugin_table, the API version checked and the embedded manifest
// compared with the file. The one loader of the host, its tests and benchmarks.
#pragma once

#include "manifest.hpp"

#include <actionhost/plugin_api.h>

#include <boost/dll/shared_library.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace actionhost::core {

// The exports every plugin must have, in the order they are resolved (plugin_api.h's
// ah_plugin_symbols).
extern const std::array<const char*, AH_PLUGIN_SYMBOL_COUNT> required_symbols;

// Lists the dynamic symbols a library exports, without loading it. Throws host_error.
std::vector<std::string> exported_symbols(const std::filesystem::path& library);

// Compares an embedded manifest with the manifest file; "" when they agree, otherwise which
// top-level fields differ.
std::string compare_manifests(const std::string& embedded_json, const manifest& file);

class plugin_library {
  public:
    // Loads the manifest's library. Throws host_error: PluginLoadFailed (missing file, dlopen
    // failure with dlerror's text, missing symbol) or PluginIncompatible (API version, manifest
    // disagreement), each naming the library file and the cause.
    static std::shared_ptr<const plugin_library> load(const manifest& m);

    // Loads the library file `library` with the manifest beside it (the one in the same folder
    // whose "library" field names this file), for programs that know a plugin by its file. The
    // checks and errors of load(), plus PluginNotFound when no manifest there names the file.
    static std::shared_ptr<const plugin_library> open(const std::filesystem::path& library);

    const manifest& info() const { return manifest_; }
    const std::string& api_version() const { return api_version_; }
    const ah_plugin_table& functions() const { return table_; }

    // Instances hold a shared_ptr to their library, so it is unloaded only after the last
    // instance was destroyed.
    plugin_library(const plugin_library&) = delete;
    plugin_library& operator=(const plugin_library&) = delete;
    ~plugin_library() = default;

    // Only load() constructs (the key is private); public for std::make_shared.
    struct key {
      private:
        key() = default;
        friend class plugin_library;
    };
    explicit plugin_library(key) {}

  private:
    manifest manifest_;
    boost::dll::shared_library library_;
    ah_plugin_table table_{};
    std::string api_version_;
};

}  // namespace actionhost::core
