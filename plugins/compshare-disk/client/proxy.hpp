// The HTTP proxy a request goes through, if any: the `proxy` config key, else the environment as
// curl reads it (https_proxy / HTTPS_PROXY for https, http_proxy / HTTP_PROXY for http, the
// lower-case name first), and no_proxy / NO_PROXY to go direct to some hosts.
#pragma once

#include "endpoint.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace compshare {

struct proxy_endpoint {
    std::string host;  // without brackets for IPv6
    std::uint16_t port = 1080;
    std::string username;  // "" = no Proxy-Authorization
    std::string password;  // never logged, never part of a message
    std::string origin;    // "config proxy", "env HTTPS_PROXY", ...: for messages
    std::string where() const { return host + ":" + std::to_string(port); }
};

// Parses [http://][user[:password]@]host[:port][/] (curl's default port 1080; user and password
// percent-decoded). Throws settings_error("InvalidParameter") naming `origin`, never the URL
// (it may hold a password): for another scheme (https:// and socks proxies are not supported),
// a path, a query, or no host.
proxy_endpoint parse_proxy_url(const std::string& url, const std::string& origin);

// True when `host` is listed in a no_proxy value: "*" matches every host; a name matches itself
// and its subdomains (a leading dot is ignored); an IP address matches itself; "ADDR/BITS"
// matches the addresses in that range. Comparison ignores case.
bool no_proxy_matches(const std::string& no_proxy, const std::string& host);

// The proxy for `target`, or nullopt to connect directly. `proxy_url` and `no_proxy` are what
// the settings resolved (config, then environment). A plain-http target (loopback only, see
// endpoint.hpp) may only go through a proxy on loopback: otherwise the request would cross the
// network unencrypted. Throws settings_error("InvalidParameter").
std::optional<proxy_endpoint> select_proxy(const std::string& proxy_url,
                                           const std::string& proxy_origin,
                                           const std::string& no_proxy, const endpoint& target);

}  // namespace compshare
