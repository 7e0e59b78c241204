// json_key's compile-time check, compiled by check_plugin_compile.cmake: a constexpr json_key of
// a plain name compiles; each CASE below must fail with one error that names the check.
#include <actionhost/json_writer.hpp>

constexpr actionhost::json_key plain{"udisk_id"};

#ifdef KEY_WITH_QUOTE
constexpr actionhost::json_key quote{"a\"b"};
#endif
#ifdef KEY_WITH_BACKSLASH
constexpr actionhost::json_key backslash{"a\\b"};
#endif
#ifdef KEY_WITH_CONTROL
constexpr actionhost::json_key control{"a\tb"};
#endif
#ifdef KEY_NOT_ASCII
constexpr actionhost::json_key not_ascii{"caf\xc3\xa9"};
#endif

int main() {
    return plain.name().size() == 8 ? 0 : 1;
}
