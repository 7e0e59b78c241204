#include "invocation.hpp"

#include "json_text.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <thread>

namespace actionhost::core {
namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

// An owned file descriptor.
class fd_handle {
  public:
    explicit fd_handle(int fd) : fd_(fd) {}
    ~fd_handle() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    fd_handle(const fd_handle&) = delete;
    fd_handle& operator=(const fd_handle&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0 && errno != EINTR)
            return;
        if (n > 0)
            done += static_cast<std::size_t>(n);
    }
}

void exit_now(int code) {
    write_all(STDERR_FILENO,
              "actionhost: second signal while the plugin was returning from a cancel; "
              "exiting without waiting\n");
    write_all(STDOUT_FILENO, error_result("Cancelled",
                                          "interrupted twice: exited without waiting for the "
                                          "plugin to return; the action's outcome is unknown") +
                                 "\n");
    std::_Exit(code);
}

int signal_exit_code(std::uint32_t signo) {
    return signo == SIGINT ? exit_code::sigint : exit_code::sigterm;
}

// The exit code of a finished invocation. The result's error.type is read (a JSON parse of the
// whole result) only when it can matter: not for AH_OK, not after a cancel. In a batch of
// successful calls that parse cost more than the plugin's own work per line.
int exit_code_of(const invocation_result& r) {
    if (r.outcome.status == AH_OK || r.reason != cancel_reason::none)
        return exit_code_for(r.outcome.status, "", r.reason);
    return exit_code_for(r.outcome.status, result_error_type(r.outcome.result_json), r.reason);
}

}  // namespace

blocked_signals::blocked_signals() {
    const sigset_t set = watched_signals();
    pthread_sigmask(SIG_BLOCK, &set, &previous_);
}

blocked_signals::~blocked_signals() {
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

invocation_result run_invocation(plugin_instance& instance, const std::string& action,
                                 const std::string& params_json,
                                 const invocation_options& options) {
    if (!options.timeout && !options.watch_signals) {
        invocation_result r;
        r.outcome = instance.invoke(action, params_json);
        r.exit_code = exit_code_of(r);
        return r;
    }

    const fd_handle done(::eventfd(0, EFD_CLOEXEC));
    if (done.get() < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
    int sfd = -1;
    if (options.watch_signals) {
        const sigset_t set = watched_signals();
        sfd = ::signalfd(-1, &set, SFD_CLOEXEC);
        if (sfd < 0)
            throw std::system_error(errno, std::generic_category(), "signalfd");
    }
    const fd_handle signals(sfd);

    cancel_reason reason = cancel_reason::none;  // written by the supervisor, read after join
    using clock = std::chrono::steady_clock;
    std::optional<clock::time_point> deadline;
    if (options.timeout) {
        // Clamped to [0, ten years]: an infinite or huge timeout must not overflow the clock.
        const std::chrono::duration<double> limit(10.0 * 365 * 24 * 3600);
        const auto timeout =
            std::clamp(*options.timeout, std::chrono::duration<double>::zero(), limit);
        deadline = clock::now() + std::chrono::duration_cast<clock::duration>(timeout);
    }

    // The supervisor waits for the end of the invocation, the deadline or a signal.
    std::thread supervisor([&] {
        for (;;) {
            int wait_ms = -1;
            if (deadline && reason == cancel_reason::none) {
                const auto left =
                    std::chrono::ceil<std::chrono::milliseconds>(*deadline - clock::now());
                wait_ms = static_cast<int>(std::max<long long>(0, left.count()));
            }
            pollfd fds[2] = {{done.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
            const int n = ::poll(fds, signals.get() >= 0 ? 2 : 1, wait_ms);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return;  // cannot supervise; the invocation still ends normally
            }
            if (n == 0 && reason == cancel_reason::none) {
                reason = cancel_reason::timeout;
                instance.cancel();
                continue;
            }
            // Signals first: one that arrived before the plugin returned still counts.
            if (n > 0 && (fds[1].revents & POLLIN) != 0) {
                signalfd_siginfo info{};
                if (::read(signals.get(), &info, sizeof info) != sizeof info)
                    continue;
                if (reason != cancel_reason::none) {
                    const int code = signal_exit_code(info.ssi_signo);
                    if (options.on_second_signal) {
                        options.on_second_signal(code);
                        return;
                    }
                    exit_now(code);
                }
                reason = info.ssi_signo == SIGINT ? cancel_reason::sigint : cancel_reason::sigterm;
                instance.cancel();
                continue;
            }
            if (fds[0].revents != 0)
                return;  // the plugin returned
        }
    });

    // Tells the supervisor the plugin returned and joins it, also when invoke() throws.
    struct stop_supervisor {
        int fd;
        std::thread& thread;
        ~stop_supervisor() {
            const std::uint64_t one = 1;
            [[maybe_unused]] auto written = ::write(fd, &one, sizeof one);
            thread.join();
        }
    };
    invocation_result r;
    {
        const stop_supervisor stop{done.get(), supervisor};
        r.outcome = instance.invoke(action, params_json);
    }
    r.reason = reason;
    r.exit_code = exit_code_of(r);
    return r;
}

}  // namespace actionhost::core
