#include "plugin_catalog.hpp"

#include "host_error.hpp"

#include <algorithm>
#include <system_error>

#ifndef ACTIONHOST_PLUGIN_DIR_FROM_BIN
#error "ACTIONHOST_PLUGIN_DIR_FROM_BIN must be defined by the build"
#endif

namespace actionhost::core {
namespace fs = std::filesystem;
namespace {

void split_into(const std::string& list, std::vector<fs::path>& out) {
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t colon = std::min(list.find(':', start), list.size());
        if (colon > start) {
            // Absolute, so messages and `list --json` name unambiguous files.
            std::error_code ec;
            const fs::path dir(list.substr(start, colon - start));
            const fs::path absolute = fs::absolute(dir, ec);
            fs::path normal = (ec ? dir : absolute).lexically_normal();
            if (normal.filename().empty() && normal.has_parent_path()) {
                normal = normal.parent_path();  // "/a/" is "/a"
            }
            out.push_back(normal);
        }
        start = colon + 1;
    }
}

}  // namespace

std::vector<fs::path> plugin_search_path(const std::vector<std::string>& cli_paths,
                                         const char* env_value,
                                         const std::optional<fs::path>& default_dir) {
    std::vector<fs::path> dirs;
    for (const auto& list : cli_paths)
        split_into(list, dirs);
    if (env_value != nullptr)
        split_into(env_value, dirs);
    if (default_dir)
        dirs.push_back(*default_dir);
    // A folder named twice is searched once (its manifests must not shadow themselves).
    std::vector<fs::path> unique;
    for (const auto& dir : dirs) {
        if (std::find(unique.begin(), unique.end(), dir) == unique.end())
            unique.push_back(dir);
    }
    return unique;
}

std::optional<fs::path> default_plugin_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return std::nullopt;
    // Both the build tree and an install put plugins at the same place relative to bin/.
    return (exe.parent_path() / ACTIONHOST_PLUGIN_DIR_FROM_BIN).lexically_normal();
}

plugin_catalog plugin_catalog::scan(const std::vector<fs::path>& dirs) {
    plugin_catalog catalog;
    catalog.dirs_ = dirs;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (!fs::exists(dir, ec))
            continue;  // a missing folder simply holds no plugin
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().extension() == ".json")
                files.push_back(it->path());
        }
        if (ec) {
            catalog.problems_.push_back(
                {dir, "plugin folder " + dir.string() + " cannot be read: " + ec.message()});
            continue;
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            try {
                manifest m = load_manifest(file);
                if (const manifest* first = catalog.find(m.name)) {
                    catalog.shadowed_.push_back({file, "plugin \"" + m.name + "\" in " +
                                                           file.string() + " is shadowed by " +
                                                           first->file.string() +
                                                           " (the first one found wins)"});
                    continue;
                }
                catalog.plugins_.push_back(std::move(m));
            } catch (const host_error& e) {
                catalog.problems_.push_back({file, e.what()});
            }
        }
    }
    return catalog;
}

const manifest* plugin_catalog::find(const std::string& name) const {
    for (const auto& m : plugins_) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

const manifest& plugin_catalog::require(const std::string& name) const {
    if (const manifest* m = find(name))
        return *m;
    std::string searched;
    for (const auto& dir : dirs_)
        searched += (searched.empty() ? "" : ":") + dir.string();
    std::string message = "no plugin named \"" + name + "\" in the plugin path " +
                          (searched.empty() ? "(empty)" : searched);
    if (!problems_.empty()) {
        message += " (" + std::to_string(problems_.size()) +
                   " manifest(s) or folder(s) could not be read; run `actionhost check`)";
    }
    throw host_error(error_type::plugin_not_found, message);
}

}  // namespace actionhost::core
