#include "batch.hpp"

#include "invocation.hpp"
#include "json_input.hpp"
#include "json_text.hpp"
#include "plugin_instance.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace actionhost::core {
namespace {

struct item {
    std::size_t line = 0;
    std::string params;                 // the line's text
    std::optional<std::string> result;  // set once done
    int exit_code = exit_code::ok;
    bool invalid = false;  // refused by the host; not sent to the plugin
};

// Collects results as workers finish; the writer waits for them in input order.
class result_board {
  public:
    explicit result_board(std::vector<item>& items) : items_(items) {}
    void finish(std::size_t index, std::string result, int code) {
        bool awaited = false;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            items_[index].result = std::move(result);
            items_[index].exit_code = code;
            awaited = index == awaited_;
        }
        // Only the line the writer waits for wakes it: results that finish ahead of their turn
        // are picked up without a wake-up (one futex wake and context switch less each).
        if (awaited)
            ready_.notify_one();
    }
    const item& wait(std::size_t index) {
        std::unique_lock<std::mutex> lock(mutex_);
        awaited_ = index;
        ready_.wait(lock, [&] { return items_[index].result.has_value(); });
        return items_[index];
    }

  private:
    std::vector<item>& items_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::size_t awaited_ = static_cast<std::size_t>(-1);  // the index the writer waits for
};

class owned_fd {
  public:
    explicit owned_fd(int fd) : fd_(fd) {}
    ~owned_fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    owned_fd(const owned_fd&) = delete;
    owned_fd& operator=(const owned_fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

}  // namespace

int worse_exit_code(int a, int b) {
    const auto rank = [](int code) { return code >= 128 ? 1000 + code : code; };
    return rank(a) >= rank(b) ? a : b;
}

int run_batch(const std::shared_ptr<const plugin_library>& library, const ah_host_api& host,
              const std::string& config_json, const std::string& action, const run_options& options,
              streams io) {
    std::ifstream in(options.batch_file, std::ios::binary);
    if (!in) {
        throw host_error(error_type::invalid_parameter,
                         "batch file " + options.batch_file + ": cannot be read");
    }
    std::vector<item> items;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;  // blank line
        item it;
        it.line = number;
        it.params = line;
        try {
            parse_input(line,
                        "batch file " + options.batch_file + " line " + std::to_string(number),
                        error_type::invalid_parameter);
        } catch (const host_error& e) {
            it.invalid = true;
            it.result = error_result(e.type(), e.what());
            it.exit_code = e.exit_code();
            io.err << "actionhost: " << e.what() << '\n';
        }
        items.push_back(std::move(it));
    }

    const unsigned workers = std::max(
        1u, std::min<unsigned>(options.parallel,
                               static_cast<unsigned>(std::max<std::size_t>(1, items.size()))));
    // Every instance is created up front, so a failed create is reported once, before any work.
    std::vector<std::unique_ptr<plugin_instance>> pool;
    for (unsigned i = 0; i < workers; ++i) {
        pool.push_back(std::make_unique<plugin_instance>(library, config_json, &host));
    }

    result_board board(items);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::atomic<int> stop_code{exit_code::ok};
    invocation_options per_item;
    if (options.timeout_seconds) {
        per_item.timeout = std::chrono::duration<double>(*options.timeout_seconds);
    }

    auto work = [&](plugin_instance& instance) {
        for (;;) {
            const std::size_t index = next.fetch_add(1);
            if (index >= items.size())
                return;
            if (items[index].invalid) {
                board.finish(index, *items[index].result, items[index].exit_code);
                continue;
            }
            if (stop.load()) {
                const int code = stop_code.load();
                board.finish(
                    index, error_result("Cancelled", "not started: the batch was cancelled"), code);
                continue;
            }
            try {
                const invocation_result r =
                    run_invocation(instance, action, items[index].params, per_item);
                board.finish(index, r.outcome.result_json,
                             stop.load() ? stop_code.load() : r.exit_code);
            } catch (const std::exception& e) {
                board.finish(index, error_result(error_type::internal, e.what()),
                             exit_code::failure);
            }
        }
    };

    // A signal cancels every instance and stops the batch; a second one exits at once.
    const owned_fd done(::eventfd(0, EFD_CLOEXEC));
    int sfd = -1;
    if (options.watch_signals) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sfd = ::signalfd(-1, &set, SFD_CLOEXEC);
    }
    const owned_fd signals(sfd);
    std::thread supervisor([&] {
        if (signals.get() < 0)
            return;
        for (;;) {
            pollfd fds[2] = {{done.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR)
                    continue;
                return;
            }
            if (fds[0].revents != 0)
                return;
            signalfd_siginfo info{};
            if (::read(signals.get(), &info, sizeof info) != sizeof info)
                continue;
            const int code = info.ssi_signo == SIGINT ? exit_code::sigint : exit_code::sigterm;
            if (stop.load())
                std::_Exit(code);   // a second signal: do not wait for the plugins
            stop_code.store(code);  // before stop, so a worker that sees stop sees the code
            stop.store(true);
            for (const auto& instance : pool)
                instance->cancel();
        }
    });

    std::vector<std::thread> threads;
    for (unsigned i = 0; i < workers; ++i)
        threads.emplace_back(work, std::ref(*pool[i]));

    const bool progress = ::isatty(STDERR_FILENO) == 1;
    int worst = exit_code::ok;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const item& it = board.wait(i);
        io.out << *it.result << '\n';
        worst = worse_exit_code(worst, it.exit_code);
        if (progress)
            io.err << "\r[" << (i + 1) << '/' << items.size() << "] done" << std::flush;
    }
    io.out.flush();
    if (progress)
        io.err << '\n';
    for (auto& t : threads)
        t.join();
    const std::uint64_t one = 1;
    [[maybe_unused]] auto w = ::write(done.get(), &one, sizeof one);
    supervisor.join();
    return worst;
}

}  // namespace actionhost::core
