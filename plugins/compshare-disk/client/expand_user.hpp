// A leading "~" in a path, expanded as compshare-cli does (Python's Path.expanduser()).
#pragma once

#include "settings.hpp"

#include <string>

namespace compshare {

// "~" and "~/rest" become $HOME (from `env`; the password database when HOME is unset or empty),
// "~user/rest" becomes that user's home directory. Anything else, and a "~user" that names no
// user, comes back unchanged (as Python does), so the message about a missing file shows the
// path as given.
std::string expand_user(const std::string& path, const env_lookup& env);

}  // namespace compshare
