// The base URL, checked: https anywhere, plain http only to a loopback host.
#pragma once

#include <cstdint>
#include <string>

namespace compshare {

struct endpoint {
    bool secure = true;  // https
    std::string host;    // without brackets for IPv6
    std::uint16_t port = 443;
    std::string path = "/";  // path and query the requests are POSTed to
};

// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(const std::string& host);

// Throws settings_error("InvalidParameter", ...) for anything but https://HOST[:PORT][/PATH] or
// http:// to a loopback host; user info in the URL is refused (keys belong in the config).
// The message names the host but never the rest of the URL.
endpoint parse_base_url(const std::string& base_url);

}  // namespace compshare
