// A known secret (the private key) removed from text before it leaves the plugin: results and
// events quote server text (Message, State, request ids), and a service that echoed the key
// must not get it printed.
#pragma once

#include "detach_result.hpp"
#include "status_result.hpp"

#include <string>
#include <string_view>

namespace compshare::detach {

// Secrets shorter than this are not scrubbed: replacing every "x" of a one-letter test key
// would mangle the text and protect nothing.
inline constexpr std::size_t min_scrubbed_secret = 8;

inline constexpr const char* scrubbed_marker = "***";

// True when `text` holds `secret` (one scrub_in_place would replace; a secret shorter than
// min_scrubbed_secret is never looked for).
inline bool holds_secret(std::string_view text, std::string_view secret) noexcept {
    return secret.size() >= min_scrubbed_secret && text.find(secret) != std::string_view::npos;
}

// Replaces every occurrence of `secret` in `text` by "***".
void scrub_in_place(std::string& text, std::string_view secret);

// `text` with every occurrence of `secret` replaced by "***".
std::string scrub_secret(std::string text, std::string_view secret);

// The same over every string of the report.
void scrub_report(detach_report& report, std::string_view secret);
void scrub_report(status_report& report, std::string_view secret);

}  // namespace compshare::detach
