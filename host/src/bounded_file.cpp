#include "bounded_file.hpp"

#include <actionhost/detail/unique_fd.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace actionhost::core {

using actionhost::detail::unique_fd;
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "not a file";
}

// Opened without blocking (O_NONBLOCK: a FIFO without a writer would block open itself).
unique_fd open_regular(const std::filesystem::path& file, struct stat& info) {
    unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd)
        throw file_refused(std::string("cannot be read: ") + std::strerror(errno));
    if (::fstat(fd.get(), &info) != 0)
        throw file_refused(std::string("cannot be read: ") + std::strerror(errno));
    if (!S_ISREG(info.st_mode))
        throw file_refused("is " + kind_of(info.st_mode) + ", not a regular file");
    return fd;
}

std::string too_large(std::size_t limit) {
    constexpr std::size_t mib = 1024 * 1024;
    return "is larger than the limit of " + std::to_string(limit) + " bytes" +
           (limit % mib == 0 ? " (" + std::to_string(limit / mib) + " MiB)" : "");
}

}  // namespace

void require_regular_file(const std::filesystem::path& file) {
    struct stat info {};
    open_regular(file, info);
}

std::string read_regular_file(const std::filesystem::path& file, std::size_t limit) {
    struct stat info {};
    const unique_fd fd = open_regular(file, info);
    if (info.st_size > 0 && static_cast<std::size_t>(info.st_size) > limit)
        throw file_refused(too_large(limit));
    // One byte more than the file's size: the read that fills it finds the end (0) without
    // doubling the buffer, zero-filled, for the usual file that did not grow since fstat.
    std::string text;
    text.resize(info.st_size > 0 ? static_cast<std::size_t>(info.st_size) + 1 : 0);
    std::size_t used = 0;
    for (;;) {
        if (used == text.size()) {
            if (text.size() > limit)
                throw file_refused(too_large(limit));
            text.resize(std::min(limit + 1, std::max<std::size_t>(text.size() * 2, 4096)));
        }
        const ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw file_refused(std::string("cannot be read: ") + std::strerror(errno));
        if (n == 0)
            break;
        used += static_cast<std::size_t>(n);
    }
    if (used > limit)
        throw file_refused(too_large(limit));
    text.resize(used);
    return text;
}

}  // namespace actionhost::core
