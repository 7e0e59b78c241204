#include "endpoint.hpp"

#include "settings.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace compshare {

namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw settings_error("InvalidParameter", "base_url: " + why);
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    const std::string lower = Poco::toLower(host);
    if (lower == "localhost" || lower == "localhost.")
        return true;
    Poco::Net::IPAddress address;
    // tryParse takes dotted quads and IPv6 literals only, never a name to resolve.
    return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

endpoint parse_base_url(const std::string& base_url) {
    for (const char c : base_url) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            refuse("must not contain spaces or control characters");
        }
    }
    Poco::URI uri;
    try {
        uri = Poco::URI(base_url);
    } catch (const Poco::Exception&) {
        refuse("is not a valid URL");
    }
    const std::string scheme = Poco::toLower(uri.getScheme());
    if (scheme != "https" && scheme != "http")
        refuse("the scheme must be https (or http to localhost)");
    if (uri.getHost().empty())
        refuse("has no host");
    if (!uri.getUserInfo().empty())
        refuse("must not contain user info (put keys in the config)");
    if (!uri.getFragment().empty())
        refuse("must not contain a fragment");
    endpoint ep;
    ep.secure = scheme == "https";
    ep.host = uri.getHost();
    ep.port = uri.getPort();
    if (ep.port == 0)
        refuse("has port 0");
    if (!ep.secure && !is_loopback_host(ep.host)) {
        refuse(
            "plain http:// is only allowed to a loopback host (127.0.0.0/8, ::1, localhost), "
            "not to '" +
            ep.host + "'; use https://");
    }
    ep.path = uri.getPathAndQuery();
    if (ep.path.empty())
        ep.path = "/";
    return ep;
}

}  // namespace compshare
