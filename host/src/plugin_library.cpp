#include "plugin_library.hpp"

#include "api_version.hpp"
#include "elf_symbols.hpp"
#include "exit_codes.hpp"
#include "host_error.hpp"
#include "json_text.hpp"
#include "plugin_catalog.hpp"

#include <Poco/JSON/Stringifier.h>

#include <set>
#include <sstream>
#include <system_error>
#include <type_traits>

namespace actionhost::core {
namespace fs = std::filesystem;
namespace {

std::string plugin_prefix(const manifest& m) {
    return "plugin \"" + m.name + "\": ";
}

std::string canonical(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);  // parsed objects iterate in key order
    return out.str();
}

// The header's types are the exports' own: a host resolving into ah_plugin_table calls each
// function with the signature the plugin defined.
static_assert(std::is_same_v<ah_plugin_api_version_fn, decltype(&ah_plugin_api_version)>);
static_assert(std::is_same_v<ah_plugin_manifest_fn, decltype(&ah_plugin_manifest)>);
static_assert(std::is_same_v<ah_plugin_create_fn, decltype(&ah_plugin_create)>);
static_assert(std::is_same_v<ah_plugin_destroy_fn, decltype(&ah_plugin_destroy)>);
static_assert(std::is_same_v<ah_plugin_invoke_fn, decltype(&ah_plugin_invoke)>);
static_assert(std::is_same_v<ah_plugin_last_error_fn, decltype(&ah_plugin_last_error)>);
static_assert(std::is_same_v<ah_plugin_cancel_fn, decltype(&ah_plugin_cancel)>);

// Resolves ah_plugin_symbols[index] into its member of `table`.
void resolve(const boost::dll::shared_library& lib, std::size_t index, ah_plugin_table& table,
             const manifest& m) {
    const char* name = ah_plugin_symbols[index].name;
    if (!lib.has(name)) {
        throw host_error(error_type::plugin_load_failed,
                         plugin_prefix(m) + m.library.string() + " does not export " + name +
                             " (required by the plugin API; check the linker version script)");
    }
    // get<> of a function type is a reference to the export; its address is dlsym()'s.
    ah_plugin_table_store(&table, index, reinterpret_cast<void*>(&lib.get<void()>(name)));
}

}  // namespace

const std::array<const char*, AH_PLUGIN_SYMBOL_COUNT> required_symbols = [] {
    std::array<const char*, AH_PLUGIN_SYMBOL_COUNT> names{};
    for (std::size_t index = 0; index < names.size(); ++index)
        names[index] = ah_plugin_symbols[index].name;
    return names;
}();

std::vector<std::string> exported_symbols(const fs::path& library) {
    try {
        return elf_dynamic_symbols(library);
    } catch (const std::exception& e) {
        throw host_error(error_type::plugin_load_failed,
                         "cannot read the symbols of " + library.string() + ": " + e.what());
    }
}

std::string compare_manifests(const std::string& embedded_json, const manifest& file) {
    if (!file.text.empty() && embedded_json == file.text) {
        return "";  // the usual case (the build embeds the file as is): no parse, no stringify
    }
    Poco::JSON::Object::Ptr embedded;
    try {
        embedded =
            parse_json_object(embedded_json, "embedded manifest", error_type::plugin_incompatible);
    } catch (const host_error& e) {
        return e.what();
    }
    // The file was read when it was loaded: it parses.
    const auto installed = parse_json_object(file.text, "manifest " + file.file.string(),
                                             error_type::plugin_load_failed);
    std::set<std::string> keys;
    for (const auto& [key, value] : *embedded)
        keys.insert(key);
    for (const auto& [key, value] : *installed)
        keys.insert(key);
    std::string differing;
    for (const auto& key : keys) {
        const bool both = embedded->has(key) && installed->has(key);
        if (!both || canonical(embedded->get(key)) != canonical(installed->get(key))) {
            differing += (differing.empty() ? "" : ", ") + key;
        }
    }
    return differing.empty() ? "" : "differs in field(s): " + differing;
}

std::shared_ptr<const plugin_library> plugin_library::load(const manifest& m) {
    std::error_code ec;
    if (!fs::is_regular_file(m.library, ec)) {
        throw host_error(error_type::plugin_load_failed,
                         plugin_prefix(m) + "library " + m.library.string() +
                             " (field \"library\" of manifest " + m.file.string() +
                             ") does not exist or is not a file");
    }
    auto lib = std::make_shared<plugin_library>(key{});
    lib->manifest_ = m;
    try {
        // The throwing overload carries dlerror()'s text (the error_code one does not).
        lib->library_.load(m.library,
                           boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw host_error(error_type::plugin_load_failed,
                         plugin_prefix(m) + "cannot load " + m.library.string() + ": " + e.what());
    }
    // The version first (ah_plugin_symbols[0]): a plugin of another major may lack the others.
    resolve(lib->library_, 0, lib->table_, m);
    const char* version = lib->table_.api_version();
    lib->api_version_ = version != nullptr ? version : "(null)";
    const std::string problem = check_api_version(lib->api_version_, host_api_version());
    if (!problem.empty()) {
        throw host_error(error_type::plugin_incompatible,
                         plugin_prefix(m) + m.library.string() + " is " + problem);
    }
    for (std::size_t index = 1; index < AH_PLUGIN_SYMBOL_COUNT; ++index)
        resolve(lib->library_, index, lib->table_, m);

    const char* embedded = lib->table_.manifest();
    const std::string difference = compare_manifests(embedded != nullptr ? embedded : "", m);
    if (!difference.empty()) {
        throw host_error(error_type::plugin_incompatible,
                         plugin_prefix(m) + "the manifest embedded in " + m.library.string() +
                             " disagrees with " + m.file.string() + ": " + difference +
                             " (rebuild the plugin or reinstall its manifest)");
    }
    return lib;
}

std::shared_ptr<const plugin_library> plugin_library::open(const fs::path& library) {
    std::error_code ec;
    if (!fs::is_regular_file(library, ec)) {
        throw host_error(error_type::plugin_load_failed,
                         "library " + library.string() + " does not exist or is not a file");
    }
    const fs::path folder = library.parent_path().empty() ? fs::path(".") : library.parent_path();
    const auto catalog = plugin_catalog::scan({folder});
    for (const auto& m : catalog.plugins()) {
        if (fs::equivalent(m.library, library, ec))
            return load(m);
    }
    throw host_error(error_type::plugin_not_found,
                     "no manifest in " + folder.string() + " names the library " +
                         library.filename().string() + " (its \"library\" field)");
}

}  // namespace actionhost::core
