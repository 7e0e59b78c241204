#include "expand_user.hpp"

#include <pwd.h>
#include <unistd.h>

#include <optional>
#include <vector>

namespace compshare {

namespace {

// The home directory of a password database entry: by name, or the current user when `name`
// is empty. The reentrant calls, since the plugin may run on any thread.
std::optional<std::string> home_from_passwd(const std::string& name) {
    const long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 16384);
    passwd entry{};
    passwd* found = nullptr;
    const int rc = name.empty()
                       ? ::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found)
                       : ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc != 0 || found == nullptr || found->pw_dir == nullptr || *found->pw_dir == '\0')
        return std::nullopt;
    return std::string(found->pw_dir);
}

}  // namespace

std::string expand_user(const std::string& path, const env_lookup& env) {
    if (path.empty() || path[0] != '~')
        return path;
    const auto slash = path.find('/');
    const std::string user = path.substr(1, slash == std::string::npos ? slash : slash - 1);
    const std::string rest = slash == std::string::npos ? "" : path.substr(slash);
    std::optional<std::string> home;
    if (user.empty()) {
        home = env("HOME");
        if (!home || home->empty())
            home = home_from_passwd("");
    } else {
        home = home_from_passwd(user);
    }
    if (!home)
        return path;
    // "/" + "/rest" would give "//rest": drop the home's trailing slashes, as Python does.
    std::string base = *home;
    while (base.size() > 1 && base.back() == '/')
        base.pop_back();
    if (base == "/" && !rest.empty())
        base.clear();
    return base + rest;
}

}  // namespace compshare
