// One loaded plugin library: Boost.DLL with RTLD_NOW and local binding, the seven ah_plugin_*
// functions resolved, the API version checked and the embedded manifest compared with the file.
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

struct plugin_functions {
    const char* (*api_version)();
    const char* (*manifest)();
    ah_status (*create)(const ah_host_api*, const char*, ah_instance**);
    void (*destroy)(ah_instance*);
    ah_status (*invoke)(ah_instance*, const char*, const char*, size_t, const char**, size_t*);
    const char* (*last_error)(const ah_instance*);
    void (*cancel)(ah_instance*);
};

// The exports every plugin must have, in the order they are resolved.
inline constexpr std::array<const char*, 7> required_symbols{
    "ah_plugin_api_version", "ah_plugin_manifest",   "ah_plugin_create", "ah_plugin_destroy",
    "ah_plugin_invoke",      "ah_plugin_last_error", "ah_plugin_cancel"};

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

    const manifest& info() const { return manifest_; }
    const std::string& api_version() const { return api_version_; }
    const plugin_functions& functions() const { return fn_; }

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
    plugin_functions fn_{};
    std::string api_version_;
};

}  // namespace actionhost::core
