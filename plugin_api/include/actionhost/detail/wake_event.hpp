// Internal to actionhost/cancel_signal.hpp: a descriptor that becomes readable when notified, so
// a cancel wakes a poll() at once. An eventfd on Linux, a pipe elsewhere.
#pragma once

#include <poll.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#else
#include <fcntl.h>
#endif

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace actionhost::detail {

class wake_event {
  public:
    wake_event() {
#ifdef __linux__
        read_fd_ = write_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
#else
        int fds[2];
        if (::pipe(fds) == 0) {
            for (int fd : fds) {
                ::fcntl(fd, F_SETFL, O_NONBLOCK);
                ::fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
            read_fd_ = fds[0];
            write_fd_ = fds[1];
        }
#endif
        if (read_fd_ < 0)
            throw std::runtime_error("cannot create the cancellation event");
    }
    ~wake_event() {
        ::close(read_fd_);
        if (write_fd_ != read_fd_)
            ::close(write_fd_);
    }
    wake_event(const wake_event&) = delete;
    wake_event& operator=(const wake_event&) = delete;

    // Async-signal-safe: one write(2), errno preserved.
    void notify() const noexcept {
        const std::uint64_t one = 1;
        const int saved_errno = errno;
        [[maybe_unused]] auto written = ::write(write_fd_, &one, sizeof one);
        errno = saved_errno;
    }

    // Consumes every pending notification.
    // Readable while notified (until drained).
    int fd() const noexcept {
        return read_fd_;
    }

    void drain() const noexcept {
        std::uint64_t value;
        while (::read(read_fd_, &value, sizeof value) > 0) {
        }
    }

    // Waits up to `timeout_ms` for a notification; true when one is pending.
    bool wait(int timeout_ms) const noexcept {
        pollfd p{read_fd_, POLLIN, 0};
        return ::poll(&p, 1, timeout_ms) > 0;
    }

  private:
    int read_fd_ = -1;
    int write_fd_ = -1;
};

}  // namespace actionhost::detail
