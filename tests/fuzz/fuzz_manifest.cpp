// libFuzzer target: the host's manifest parser. Every input is either a manifest whose fields
// obey the documented rules or a host_error naming the file; nothing else may escape.
#include "host_error.hpp"
#include "manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

void check(bool condition) {
    if (!condition)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace actionhost::core;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::filesystem::path file = "/fuzz/plugins/fuzz.json";
    try {
        const auto parsed = parse_manifest(text, file);
        check(valid_name(parsed.name));
        check(parsed.text == text);
        check(!parsed.library.empty() && parsed.library.is_absolute());
        // What loading checked, the schemas' full parse agrees with.
        const manifest_schemas schemas(parsed);
        check(schemas.config() != nullptr);
        for (const auto& action : parsed.actions) {
            check(valid_name(action.name));
            check(parsed.find_action(action.name) != nullptr);
            check(schemas.params(action) != nullptr && schemas.result(action) != nullptr);
        }
    } catch (const host_error& e) {
        check(std::string(e.what()).find(file.string()) != std::string::npos);
    }
    return 0;
}
