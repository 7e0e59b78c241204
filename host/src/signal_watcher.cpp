#include "signal_watcher.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace actionhost::core {
namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

const char* signal_name(int signo) {
    switch (signo) {
        case SIGINT:
            return "SIGINT";
        case SIGTERM:
            return "SIGTERM";
        case SIGHUP:
            return "SIGHUP";
        default:
            return "a signal";
    }
}

signal_watcher::signal_watcher(handler idle) : idle_(std::move(idle)) {
    const sigset_t set = watched_signals();
    if (const int error = pthread_sigmask(SIG_BLOCK, &set, &previous_mask_); error != 0) {
        errno = error;
        fail("pthread_sigmask");
    }
    signals_ = unique_fd(::signalfd(-1, &set, SFD_CLOEXEC));
    stop_ = unique_fd(::eventfd(0, EFD_CLOEXEC));
    if (!signals_ || !stop_) {
        const int error = errno;
        pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
        errno = error;
        fail(!signals_ ? "signalfd" : "eventfd");
    }
    thread_ = std::thread([this] { watch(); });
}

signal_watcher::~signal_watcher() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_.get(), &one, sizeof one);
    thread_.join();
    // A signal that came while the thread stopped is dropped: the work it would have stopped
    // is done, and unblocking it now would kill the process on its way out.
    pollfd pending{signals_.get(), POLLIN, 0};
    signalfd_siginfo info{};
    while (::poll(&pending, 1, 0) > 0 &&
           ::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void signal_watcher::watch() {
    for (;;) {
        pollfd fds[2] = {{stop_.get(), POLLIN, 0}, {signals_.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (fds[0].revents != 0)
            return;
        signalfd_siginfo info{};
        if (::read(signals_.get(), &info, sizeof info) == sizeof info)
            dispatch(static_cast<int>(info.ssi_signo));
    }
}

void signal_watcher::dispatch(int signo) {
    const std::lock_guard<std::mutex> lock(mutex_);
    dispatch_locked(signo);
}

void signal_watcher::dispatch_locked(int signo) {
    if (!current_.on_signal) {
        idle_(signo);
    } else if (!current_.signalled) {
        current_.signalled = true;
        current_.on_signal(signo);
    } else {
        current_.on_repeat(signo);
    }
}

void signal_watcher::dispatch_pending_locked() {
    pollfd pending{signals_.get(), POLLIN, 0};
    signalfd_siginfo info{};
    while (::poll(&pending, 1, 0) > 0 &&
           ::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        dispatch_locked(static_cast<int>(info.ssi_signo));
    }
}

signal_watcher::route signal_watcher::route_to(handler on_signal, handler on_repeat) {
    const std::lock_guard<std::mutex> lock(mutex_);
    handlers saved = std::exchange(current_, {std::move(on_signal), std::move(on_repeat), false});
    return route(*this, std::move(saved));
}

signal_watcher::route::~route() {
    if (watcher_ == nullptr)
        return;
    const std::lock_guard<std::mutex> lock(watcher_->mutex_);
    // A signal that came while the route was in place is its own, also when the watcher's
    // thread has not read it yet (the work may end right after the signal arrived).
    watcher_->dispatch_pending_locked();
    watcher_->current_ = std::move(saved_);
}

}  // namespace actionhost::core
