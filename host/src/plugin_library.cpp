#include "plugin_library.hpp"

#include "api_version.hpp"
#include "elf_symbols.hpp"
#include "exit_codes.hpp"
#include "host_error.hpp"
#include "json_text.hpp"

#include <Poco/JSON/Stringifier.h>

#include <set>
#include <sstream>
#include <system_error>

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

template <class Fn>
void resolve(const boost::dll::shared_library& lib, const char* name, Fn*& out, const manifest& m) {
    if (!lib.has(name)) {
        throw host_error(error_type::plugin_load_failed,
                         plugin_prefix(m) + m.library.string() + " does not export " + name +
                             " (required by the plugin API; check the linker version script)");
    }
    out = &lib.get<Fn>(name);
}

}  // namespace

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
    std::set<std::string> keys;
    for (const auto& [key, value] : *embedded)
        keys.insert(key);
    for (const auto& [key, value] : *file.document)
        keys.insert(key);
    std::string differing;
    for (const auto& key : keys) {
        const bool both = embedded->has(key) && file.document->has(key);
        if (!both || canonical(embedded->get(key)) != canonical(file.document->get(key))) {
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
    auto& fn = lib->fn_;
    // The version first: a plugin of another major may not have the other symbols.
    resolve(lib->library_, required_symbols[0], fn.api_version, m);
    const char* version = fn.api_version();
    lib->api_version_ = version != nullptr ? version : "(null)";
    const std::string problem = check_api_version(lib->api_version_, host_api_version());
    if (!problem.empty()) {
        throw host_error(error_type::plugin_incompatible,
                         plugin_prefix(m) + m.library.string() + " is " + problem);
    }
    resolve(lib->library_, required_symbols[1], fn.manifest, m);
    resolve(lib->library_, required_symbols[2], fn.create, m);
    resolve(lib->library_, required_symbols[3], fn.destroy, m);
    resolve(lib->library_, required_symbols[4], fn.invoke, m);
    resolve(lib->library_, required_symbols[5], fn.last_error, m);
    resolve(lib->library_, required_symbols[6], fn.cancel, m);

    const char* embedded = fn.manifest();
    const std::string difference = compare_manifests(embedded != nullptr ? embedded : "", m);
    if (!difference.empty()) {
        throw host_error(error_type::plugin_incompatible,
                         plugin_prefix(m) + "the manifest embedded in " + m.library.string() +
                             " disagrees with " + m.file.string() + ": " + difference +
                             " (rebuild the plugin or reinstall its manifest)");
    }
    return lib;
}

}  // namespace actionhost::core
