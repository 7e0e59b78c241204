// The compshare-cli profile file: {"current_profile": NAME, "profiles": {NAME: {"public_key",
// "private_key"}}}, as compshare-cli writes it.
#pragma once

#include <string>

namespace compshare {

struct profile_lookup {
    std::string file;  // the file looked at
    bool file_found = false;
    std::string profile;  // the profile chosen: explicit > current_profile > "default"
    bool profile_found = false;
    std::string public_key;      // "" when the profile has none
    std::string private_key;     // "" when the profile has none; never logged
    std::string status() const;  // "not found", "no profile 'x'", "found" (for messages)
};

// Reads `file`. `explicit_profile` ("" = none) wins over the file's current_profile. A missing
// file is not an error (file_found = false); an unreadable or malformed one throws
// settings_error("InvalidParameter", message naming the file, never a key value).
profile_lookup read_profile_file(const std::string& file, const std::string& explicit_profile);

}  // namespace compshare
