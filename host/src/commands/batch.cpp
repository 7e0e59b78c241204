#include "batch.hpp"

#include "command_support.hpp"
#include "invocation.hpp"
#include "json_input.hpp"
#include "json_text.hpp"
#include "plugin_instance.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
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

    // Records a result, unless the line already has one (abandon() filled it).
    void finish(std::size_t index, std::string result, int code) {
        bool awaited = false;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (items_[index].result)
                return;
            items_[index].result = std::move(result);
            items_[index].exit_code = code;
            awaited = index == awaited_;
        }
        // Only the line the writer waits for wakes it: results that finish ahead of their turn
        // are picked up without a wake-up (one futex wake and context switch less each).
        if (awaited)
            ready_.notify_one();
    }

    // Gives every unfinished line a Cancelled result with `code`: the writer prints them all
    // without waiting for the plugins.
    void abandon(int code) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            for (auto& it : items_) {
                if (it.result)
                    continue;
                it.result = error_result(error_type::cancelled,
                                         "interrupted twice: exited without waiting for the "
                                         "plugin; this line's outcome is unknown");
                it.exit_code = code;
            }
            abandoned_ = true;
        }
        ready_.notify_one();
    }

    // The line's item once it has a result (its result no longer changes).
    const item& wait(std::size_t index) {
        std::unique_lock<std::mutex> lock(mutex_);
        awaited_ = index;
        ready_.wait(lock, [&] { return items_[index].result.has_value(); });
        return items_[index];
    }

    bool abandoned() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return abandoned_;
    }

  private:
    std::vector<item>& items_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::size_t awaited_ = static_cast<std::size_t>(-1);  // the index the writer waits for
    bool abandoned_ = false;
};

std::vector<item> read_items(const run_options& options, std::ostream& err) {
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
            say(err, e.what());
        }
        items.push_back(std::move(it));
    }
    return items;
}

}  // namespace

int worse_exit_code(int a, int b) {
    const auto rank = [](int code) { return code >= 128 ? 1000 + code : code; };
    return rank(a) >= rank(b) ? a : b;
}

int run_batch(const std::shared_ptr<const plugin_library>& library, const ah_host_api& host,
              const std::string& config_json, const std::string& action, const run_options& options,
              streams io, log_sink& logs) {
    std::vector<item> items = read_items(options, io.err);
    const unsigned workers = std::max(
        1u, std::min<unsigned>(options.parallel,
                               static_cast<unsigned>(std::max<std::size_t>(1, items.size()))));
    // Every instance is created up front, so a failed create is reported once, before any work.
    std::vector<std::unique_ptr<plugin_instance>> pool;
    for (unsigned i = 0; i < workers; ++i)
        pool.push_back(std::make_unique<plugin_instance>(library, config_json, &host));

    result_board board(items);
    std::atomic<std::size_t> next{0};
    std::atomic<int> stop_code{exit_code::ok};  // set by the first signal
    invocation_options per_item;
    if (options.timeout_seconds)
        per_item.timeout = std::chrono::duration<double>(*options.timeout_seconds);

    auto work = [&](plugin_instance& instance) {
        for (;;) {
            const std::size_t index = next.fetch_add(1);
            if (index >= items.size())
                return;
            if (items[index].invalid) {
                board.finish(index, *items[index].result, items[index].exit_code);
                continue;
            }
            if (const int code = stop_code.load(); code != exit_code::ok) {
                board.finish(index,
                             error_result(error_type::cancelled,
                                          "not started: the batch was cancelled; nothing was done"),
                             code);
                continue;
            }
            try {
                const invocation_result r =
                    run_invocation(instance, action, items[index].params, per_item);
                if (!r.undeclared_type.empty())
                    warn_undeclared(logs, library->info(), r.undeclared_type);
                const int code = stop_code.load();
                board.finish(index, r.outcome.result_json,
                             code != exit_code::ok ? code : r.exit_code);
            } catch (const std::exception& e) {
                board.finish(index, error_result(error_type::internal, e.what()),
                             exit_code::failure);
            }
        }
    };

    // The first signal cancels every instance and stops the batch (unstarted lines are
    // Cancelled); a second one gives up waiting: every unfinished line is printed as Cancelled.
    const auto run_workers = [&] {
        std::vector<std::thread> threads;
        for (unsigned i = 0; i < workers; ++i)
            threads.emplace_back(work, std::ref(*pool[i]));
        return threads;
    };
    const auto write_results = [&] {
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
        return worst;
    };

    int worst = exit_code::ok;
    if (options.signals == nullptr) {
        auto threads = run_workers();
        worst = write_results();
        for (auto& t : threads)
            t.join();
        return worst;
    }
    const auto routed = options.signals->route_to(
        [&](int signo) {
            stop_code.store(exit_code_for_signal(signo));
            for (const auto& instance : pool)
                instance->cancel();
        },
        [&](int signo) { board.abandon(exit_code_for_signal(signo)); });
    auto threads = run_workers();
    worst = write_results();
    if (board.abandoned()) {
        say(io.err, "second signal: exited without waiting for the plugin to return");
        std::_Exit(worst);  // the workers may still be inside the plugin
    }
    for (auto& t : threads)
        t.join();
    return worst;
}

}  // namespace actionhost::core
