// Reads the run command's JSON inputs (params and config) with a size limit, from a file,
// stdin or inline text, and checks that each is one JSON object.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace actionhost::core {

// Largest params or config document accepted (refused before parsing).
inline constexpr std::size_t max_input_bytes = 1024 * 1024;

struct json_input {
    std::string text;                // exactly what the plugin receives
    Poco::JSON::Object::Ptr object;  // parsed, for checks
    std::string origin;              // "params file /x.json", "params from stdin", ...
};

// --params: "-" reads stdin; text starting with '{' (after blanks) or any other JSON opening is
// inline JSON; anything else is a file name. Throws host_error(InvalidParameter) naming the
// origin and the problem (unreadable, too large, invalid JSON with line/column, not an object).
json_input read_params(const std::string& spec, std::istream& stdin_stream);

// --config FILE (throws host_error(InvalidConfig)); "{}" when `file` is empty.
json_input read_config(const std::string& file);

// The shared reader: `text` is checked against max_input_bytes and parsed.
json_input parse_input(std::string text, const std::string& origin, std::string_view error_type);

// parse_input()'s checks and messages without keeping a document, for text only passed on (a
// batch line): a parse built a DOM per line only to throw it away.
void check_input(std::string_view text, const std::string& origin, std::string_view error_type);

}  // namespace actionhost::core
