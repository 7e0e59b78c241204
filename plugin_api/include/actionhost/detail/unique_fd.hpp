// An owned file descriptor, closed on destruction. Internal: shared by the plugin helper, the
// host and the compshare-disk client; not part of the plugin API.
#pragma once

#include <unistd.h>

#include <utility>

namespace actionhost::detail {

class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    ~unique_fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) {
            unique_fd old(std::exchange(fd_, std::exchange(other.fd_, -1)));
        }
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

}  // namespace actionhost::detail
