#include "proxy.hpp"

#include "settings.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

namespace compshare {

namespace {

[[noreturn]] void refuse(const std::string& origin, const std::string& why) {
    throw settings_error("InvalidParameter", origin + ": " + why);
}

// "ADDR/BITS" against an address; false when either is not an IP address of the same family.
bool in_range(const std::string& range, const std::string& host) {
    const auto slash = range.find('/');
    Poco::Net::IPAddress network, address;
    unsigned bits = 0;
    if (!Poco::Net::IPAddress::tryParse(range.substr(0, slash), network) ||
        !Poco::Net::IPAddress::tryParse(host, address) || network.family() != address.family() ||
        !Poco::NumberParser::tryParseUnsigned(range.substr(slash + 1), bits) ||
        bits > network.length() * 8) {
        return false;
    }
    const Poco::Net::IPAddress mask(bits, network.family());
    return (network & mask) == (address & mask);
}

}  // namespace

proxy_endpoint parse_proxy_url(const std::string& url, const std::string& origin) {
    for (const char c : url) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            refuse(origin, "must not contain spaces or control characters");
    }
    // curl takes "host:port" without a scheme as http://.
    const std::string full = url.find("://") == std::string::npos ? "http://" + url : url;
    Poco::URI uri;
    try {
        uri = Poco::URI(full);
    } catch (const Poco::Exception&) {
        refuse(origin, "is not a valid proxy URL");
    }
    if (Poco::toLower(uri.getScheme()) != "http") {
        refuse(origin,
               "only http:// proxies are supported (https is tunnelled through them with "
               "CONNECT); not " +
                   uri.getScheme() + "://");
    }
    if (uri.getHost().empty())
        refuse(origin, "has no host");
    if ((!uri.getPath().empty() && uri.getPath() != "/") || !uri.getQuery().empty() ||
        !uri.getFragment().empty()) {
        refuse(origin, "must not have a path, a query or a fragment");
    }
    proxy_endpoint out;
    out.origin = origin;
    out.host = uri.getHost();
    if (uri.getSpecifiedPort() != 0)
        out.port = uri.getSpecifiedPort();
    // Split first, then percent-decode each part (as curl does): "%3A" in a password is a colon
    // of the password, not the separator.
    const std::string& user_info = uri.getUserInfo();
    const auto colon = user_info.find(':');
    Poco::URI::decode(user_info.substr(0, colon), out.username);
    if (colon != std::string::npos)
        Poco::URI::decode(user_info.substr(colon + 1), out.password);
    return out;
}

bool no_proxy_matches(const std::string& no_proxy, const std::string& host) {
    std::string name = Poco::toLower(host);
    while (!name.empty() && name.back() == '.')
        name.pop_back();  // "example.com." is example.com
    const Poco::StringTokenizer entries(
        no_proxy, ", ", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    for (std::string entry : entries) {
        entry = Poco::toLower(entry);
        if (entry == "*")
            return true;
        if (entry.size() > 2 && entry.front() == '[' && entry.back() == ']')
            entry = entry.substr(1, entry.size() - 2);  // [::1]
        if (entry.find('/') != std::string::npos) {
            if (in_range(entry, name))
                return true;
            continue;
        }
        while (!entry.empty() && entry.front() == '.')
            entry.erase(0, 1);
        if (entry.empty())
            continue;
        if (name == entry || (name.size() > entry.size() &&
                              name.compare(name.size() - entry.size(), entry.size(), entry) == 0 &&
                              name[name.size() - entry.size() - 1] == '.')) {
            return true;
        }
    }
    return false;
}

std::optional<proxy_endpoint> select_proxy(const std::string& proxy_url,
                                           const std::string& proxy_origin,
                                           const std::string& no_proxy, const endpoint& target) {
    if (proxy_url.empty())
        return std::nullopt;
    proxy_endpoint proxy = parse_proxy_url(proxy_url, proxy_origin);
    if (no_proxy_matches(no_proxy, target.host))
        return std::nullopt;
    if (!target.secure && !is_loopback_host(proxy.host)) {
        refuse(proxy_origin,
               "plain http:// goes through a proxy only when the proxy is on "
               "loopback too (the request would cross the network unencrypted), "
               "not through " +
                   proxy.where());
    }
    return proxy;
}

}  // namespace compshare
