#include "profile_file.hpp"

#include "settings.hpp"

#include <Poco/JSON/Object.h>
#include <actionhost/json/reader.hpp>

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace compshare {

namespace {

constexpr std::size_t max_file_size = 1 << 20;  // a profile file is a few hundred bytes

[[noreturn]] void malformed(const std::string& file, const std::string& why) {
    throw settings_error("InvalidParameter",
                         "the compshare-cli profile file " + file + " is malformed: " + why);
}

std::string optional_string(const Poco::JSON::Object& object, const std::string& key,
                            const std::string& file, const std::string& where) {
    if (!object.has(key) || object.isNull(key))
        return {};
    const auto value = object.get(key);
    if (!value.isString())
        malformed(file, where + "'" + key + "' is not a string");
    return value.extract<std::string>();
}

}  // namespace

std::string profile_lookup::status() const {
    if (!file_found)
        return "file not found";
    if (!profile_found)
        return "no profile '" + profile + "' in it";
    if (public_key.empty() && private_key.empty())
        return "profile has no keys";
    if (public_key.empty())
        return "profile has no public_key";
    if (private_key.empty())
        return "profile has no private_key";
    return "found";
}

profile_lookup read_profile_file(const std::string& file, const std::string& explicit_profile) {
    profile_lookup out;
    out.file = file;
    out.profile = explicit_profile;

    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            if (out.profile.empty())
                out.profile = "default";
            return out;
        }
        throw settings_error("InvalidParameter", "cannot read the compshare-cli profile file " +
                                                     file + ": " + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode))
        malformed(file, "not a regular file");
    if (static_cast<std::size_t>(info.st_size) > max_file_size)
        malformed(file, "larger than 1 MiB");

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw settings_error("InvalidParameter",
                             "cannot read the compshare-cli profile file " + file);
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out.file_found = true;

    Poco::JSON::Object::Ptr root;
    try {
        root = actionhost::json::as_object(actionhost::json::parse(text));
    } catch (const actionhost::json::parse_error& e) {
        // The reader never quotes a value (the file holds keys), only a repeated member name.
        malformed(file, "not valid JSON (" + e.where() + ": " + e.reason() + ")");
    }
    if (!root)
        malformed(file, "not a JSON object");

    const std::string current = optional_string(*root, "current_profile", file, "");
    if (out.profile.empty())
        out.profile = current.empty() ? "default" : current;

    if (!root->has("profiles") || root->isNull("profiles"))
        return out;
    const auto profiles = root->getObject("profiles");
    if (!profiles)
        malformed(file, "'profiles' is not an object");
    if (!profiles->has(out.profile))
        return out;
    const auto entry = profiles->getObject(out.profile);
    if (!entry)
        malformed(file, "profile '" + out.profile + "' is not an object");
    out.profile_found = true;
    const std::string where = "profile '" + out.profile + "': ";
    out.public_key = optional_string(*entry, "public_key", file, where);
    out.private_key = optional_string(*entry, "private_key", file, where);
    return out;
}

}  // namespace compshare
