#include "json_input.hpp"

#include "bounded_file.hpp"
#include "exit_codes.hpp"
#include "host_error.hpp"
#include "json_text.hpp"
#include "read_limited.hpp"

namespace actionhost::core {
namespace {

std::string too_large(const std::string& origin) {
    return origin + ": larger than the limit of " + std::to_string(max_input_bytes) +
           " bytes (1 MiB)";
}

std::string read_file(const std::string& file, const std::string& origin,
                      std::string_view error_type) {
    try {
        return read_regular_file(file, max_input_bytes);
    } catch (const file_refused& e) {
        throw host_error(error_type, origin + ": " + e.what());
    }
}

bool looks_inline(const std::string& spec) {
    const auto first = spec.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return !spec.empty();  // blanks only: invalid inline JSON
    const char c = spec[first];
    return c == '{' || c == '[' || c == '"';
}

}  // namespace

void check_input(std::string_view text, const std::string& origin, std::string_view error_type) {
    if (text.size() > max_input_bytes)
        throw host_error(error_type, too_large(origin));
    check_json_object(text, origin, error_type);
}

json_input parse_input(std::string text, const std::string& origin, std::string_view error_type) {
    if (text.size() > max_input_bytes)
        throw host_error(error_type, too_large(origin));
    json_input input;
    input.object = parse_json_object(text, origin, error_type);
    input.text = std::move(text);
    input.origin = origin;
    return input;
}

json_input read_params(const std::string& spec, std::istream& stdin_stream) {
    const auto type = error_type::invalid_parameter;
    if (spec == "-")
        return parse_input(read_limited(stdin_stream, max_input_bytes), "params from stdin", type);
    if (looks_inline(spec))
        return parse_input(spec, "inline params", type);
    const std::string origin = "params file " + spec;
    return parse_input(read_file(spec, origin, type), origin, type);
}

json_input read_config(const std::string& file) {
    const auto type = error_type::invalid_config;
    if (file.empty())
        return parse_input("{}", "default config", type);
    const std::string origin = "config file " + file;
    return parse_input(read_file(file, origin, type), origin, type);
}

}  // namespace actionhost::core
