// Helpers shared by the host tests: a temporary folder and small file writers.
#pragma once

#include "temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace test_support {

inline void write_file(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// A valid manifest with one action "noop", which can fail with "NoopFailed" (class remote).
inline std::string manifest_json(const std::string& name, const std::string& library = "libx.so",
                                 const std::string& api_version = "1.0.0") {
    return R"({"name": ")" + name + R"(", "version": "1.0.0", "api_version": ")" + api_version +
           R"(", "description": "d", "library": ")" + library +
           R"(", "config_schema": {"type": "object"},
           "errors": {"NoopFailed": {"class": "remote", "retryable": false, "description": "e"}},
           "actions": [{"name": "noop", "description": "n", "params_schema": {"type": "object"},
           "result_schema": {"type": "object", "properties": {"error": {"properties":
           {"type": {"enum": ["NoopFailed"]}}}}}}]})";
}

inline const std::filesystem::path echo_dir{TEST_PLUGIN_DIR};
inline const std::filesystem::path broken_dir{TEST_BROKEN_PLUGIN_DIR};
inline const std::filesystem::path misbehaving_dir{TEST_MISBEHAVING_PLUGIN_DIR};
inline const std::filesystem::path crashing_dir{TEST_CRASHING_PLUGIN_DIR};

}  // namespace test_support
