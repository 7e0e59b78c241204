// The one way the host reads a file a user names (params, config, batch, manifests, plugin
// libraries): only regular files, never more than a limit. A FIFO would block the host forever
// and a device such as /dev/zero never ends; both are refused at once, before any read, and so
// is a file larger than the limit (by its size, then by what is actually read, as it may grow).
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace actionhost::core {

// What is wrong with the file, for a message after its name: "cannot be read: No such file or
// directory", "is a FIFO (named pipe), not a regular file", "is larger than the limit of ...".
class file_refused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The whole file, at most `limit` bytes. Throws file_refused.
std::string read_regular_file(const std::filesystem::path& file, std::size_t limit);

// Throws file_refused unless `file` is a regular file (symbolic links followed).
void require_regular_file(const std::filesystem::path& file);

}  // namespace actionhost::core
