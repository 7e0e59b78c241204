#include "batch.hpp"

#include "bounded_file.hpp"
#include "command_support.hpp"
#include "invocation.hpp"
#include "json_input.hpp"
#include "json_scan.hpp"
#include "json_text.hpp"
#include "plugin_instance.hpp"
#include "read_limited.hpp"

#include <actionhost/json/reader.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
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

// The batch file's text: a regular file, or standard input for "-", at most max_batch_bytes.
std::string read_batch(const run_options& options, std::istream& in) {
    const std::string origin = options.batch_file == "-" ? std::string("batch from stdin")
                                                         : "batch file " + options.batch_file;
    const auto refuse = [&](const std::string& why) {
        throw host_error(error_type::invalid_parameter, origin + ": " + why);
    };
    std::string text;
    if (options.batch_file == "-") {
        text = read_limited(in, max_batch_bytes);
        if (in.bad())
            refuse("cannot be read");
    } else {
        try {
            text = read_regular_file(options.batch_file, max_batch_bytes);
        } catch (const file_refused& e) {
            refuse(e.what());
        }
    }
    if (text.size() > max_batch_bytes)
        refuse("is larger than the limit of " + std::to_string(max_batch_bytes) + " bytes");
    return text;
}

std::vector<item> read_items(const run_options& options, std::istream& in, std::ostream& err) {
    const std::string text = read_batch(options, in);
    const std::string origin = options.batch_file == "-" ? std::string("batch from stdin")
                                                         : "batch file " + options.batch_file;
    std::vector<item> items;
    std::size_t number = 0;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line(text.data() + start, end - start);
        start = end + 1;
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            // Skipped, but said: the results' "line" members keep counting input lines.
            say(err, origin + " line " + std::to_string(number) + " is blank; skipped");
            continue;
        }
        item it;
        it.line = number;
        it.params = line;
        try {
            check_input(it.params, origin + " line " + std::to_string(number),
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

// The result object with the input line number as its first member:
// {"line":3,"ok":true,...}. Every result is a JSON object (the loader replaces any other).
std::string with_line(const std::string& result, std::size_t line) {
    const auto open = result.find('{');
    const auto first = result.find_first_not_of(" \t\r\n", open + 1);
    std::string out = "{\"line\":" + std::to_string(line);
    if (first != std::string::npos && result[first] != '}')
        out += ',';
    out.append(result, open + 1, std::string::npos);
    return out;
}

// The result's top-level string member `name` ("" when it has none). Results were validated
// when they arrived, so a scan finds it unless an escape needs decoding.
std::string top_level_string(const std::string& result, const char* name) {
    const string_member member = find_string_member(result, name);
    if (member.found != string_member::kind::needs_parse)
        return std::string(member.value);
    try {
        const auto object = json::as_object(json::parse(result));
        if (object && object->has(name) && object->get(name).isString())
            return object->getValue<std::string>(name);
    } catch (const json::parse_error&) {
    }
    return "";
}

// "12 lines: 10 ok (detached 9, already_detached 1), 2 failed (InvalidParameter 1, SomeType 1);
// exit 6": successes by the result's "status" when it has one, failures by error.type.
class batch_summary {
  public:
    void add(const item& it) {
        ++lines_;
        if (it.exit_code == exit_code::ok)
            ++ok_[top_level_string(*it.result, "status")];
        else
            ++failed_[result_error_type(*it.result)];
    }
    std::string text(int exit) const {
        return std::to_string(lines_) + (lines_ == 1 ? " line: " : " lines: ") +
               counted(ok_, "ok", "") + ", " + counted(failed_, "failed", "no error.type") +
               "; exit " + std::to_string(exit);
    }

  private:
    using counts = std::map<std::string, std::size_t>;

    // "3 ok (detached 2, already_detached 1)"; an unnamed kind is left out of the list.
    static std::string counted(const counts& by_kind, const char* what, const char* unnamed) {
        std::size_t total = 0;
        std::string list;
        for (const auto& [kind, count] : by_kind) {
            total += count;
            const std::string name = kind.empty() ? unnamed : kind;
            if (!name.empty())
                list += (list.empty() ? "" : ", ") + name + ' ' + std::to_string(count);
        }
        std::string out = std::to_string(total) + ' ' + what;
        return list.empty() ? out : out + " (" + list + ')';
    }

    std::size_t lines_ = 0;
    counts ok_;
    counts failed_;
};

// Prints results in input order as they complete. Whichever thread completes the line due next
// prints it and every line after it that is already done, while the other workers go on; no
// thread is woken per line (a writer thread woken per line cost a futex wake and two context
// switches each time).
class result_printer {
  public:
    result_printer(std::vector<item>& items, streams io) : items_(items), io_(io) {}

    // Records a result, unless the line already has one (refused lines come with theirs, and
    // abandon() may have filled it), then prints what is due unless another thread is printing.
    void finish(std::size_t index, std::string result, int code) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!items_[index].result) {
            items_[index].result = std::move(result);
            items_[index].exit_code = code;
        }
        print_due(lock);
    }

    // Gives every unfinished line a Cancelled result with `code` and prints them all without
    // waiting for the plugins.
    void abandon(int code) {
        std::unique_lock<std::mutex> lock(mutex_);
        for (auto& it : items_) {
            if (it.result)
                continue;
            it.result = error_result(error_type::cancelled,
                                     "interrupted twice: exited without waiting for the "
                                     "plugin; this line's outcome is unknown");
            it.exit_code = code;
        }
        abandoned_ = true;
        print_due(lock);
    }

    // Waits until every line is printed; returns the worst exit code of the lines.
    int wait_printed() {
        std::unique_lock<std::mutex> lock(mutex_);
        printed_.wait(lock, [&] { return next_ == items_.size(); });
        return worst_;
    }

    bool abandoned() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return abandoned_;
    }

    // The summary line, for the exit code the batch ends with.
    std::string summary(int exit) const { return summary_.text(exit); }

  private:
    // With the lock held: unless a thread is printing already, prints the lines due, the lock
    // released while writing (a result, once set, no longer changes).
    void print_due(std::unique_lock<std::mutex>& lock) {
        if (printing_)
            return;
        printing_ = true;
        while (next_ < items_.size() && items_[next_].result) {
            std::size_t end = next_;
            while (end < items_.size() && items_[end].result)
                ++end;
            const std::size_t first = next_;
            lock.unlock();
            for (std::size_t i = first; i < end; ++i)
                print(items_[i], i);
            lock.lock();
            next_ = end;
        }
        printing_ = false;
        if (next_ == items_.size())
            printed_.notify_all();
    }

    // Only the printing thread runs this (printing_ is its token). noexcept: a line half
    // printed must not leave printing_ set with nobody printing.
    void print(const item& it, std::size_t index) noexcept {
        io_.out << with_line(*it.result, it.line) << '\n';
        worst_ = worse_exit_code(worst_, it.exit_code);
        summary_.add(it);
        if (progress_)
            io_.err << "\r[" << (index + 1) << '/' << items_.size() << "] done" << std::flush;
    }

    std::vector<item>& items_;
    streams io_;
    const bool progress_ = ::isatty(STDERR_FILENO) == 1;
    std::mutex mutex_;
    std::condition_variable printed_;
    std::size_t next_ = 0;   // the first line not printed yet
    bool printing_ = false;  // a thread is printing: the others leave it to that thread
    bool abandoned_ = false;
    int worst_ = exit_code::ok;  // with summary_, the printing thread's
    batch_summary summary_;
};

}  // namespace

int worse_exit_code(int a, int b) {
    const auto rank = [](int code) { return code >= 128 ? 1000 + code : code; };
    return rank(a) >= rank(b) ? a : b;
}

int run_batch(const std::shared_ptr<const plugin_library>& library, const ah_host_api& host,
              const std::string& config_json, const std::string& action, const run_options& options,
              streams io, log_sink& logs) {
    std::vector<item> items = read_items(options, io.in, io.err);
    const unsigned workers = std::max(
        1u, std::min<unsigned>(options.parallel,
                               static_cast<unsigned>(std::max<std::size_t>(1, items.size()))));
    // Every instance is created up front, so a failed create is reported once, before any work.
    std::vector<std::unique_ptr<plugin_instance>> pool;
    for (unsigned i = 0; i < workers; ++i)
        pool.push_back(std::make_unique<plugin_instance>(library, config_json, &host));
    // A worker destroys its instance once the lines run out, while the others finish theirs (the
    // teardown overlaps their work instead of following it). A cancel must not overlap a
    // destroy: the first signal's handler cancels under this mutex what is still in the pool.
    std::mutex pool_mutex;

    result_printer printer(items, io);
    std::atomic<std::size_t> next{0};
    std::atomic<int> stop_code{exit_code::ok};  // set by the first signal
    invocation_options per_item;
    if (options.timeout_seconds)
        per_item.timeout = std::chrono::duration<double>(*options.timeout_seconds);

    auto run_lines = [&](plugin_instance& instance) {
        for (;;) {
            const std::size_t index = next.fetch_add(1);
            if (index >= items.size())
                return;
            if (items[index].invalid) {
                printer.finish(index, *items[index].result, items[index].exit_code);
                continue;
            }
            if (const int code = stop_code.load(); code != exit_code::ok) {
                printer.finish(
                    index,
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
                printer.finish(index, r.outcome.result_json,
                               code != exit_code::ok ? code : r.exit_code);
            } catch (const std::exception& e) {
                printer.finish(index, error_result(error_type::internal, e.what()),
                               exit_code::failure);
            }
        }
    };
    auto work = [&](std::size_t slot) {
        run_lines(*pool[slot]);
        std::unique_ptr<plugin_instance> done;  // destroyed last: out of the pool and the lock
        const std::lock_guard<std::mutex> lock(pool_mutex);
        done.swap(pool[slot]);
    };

    // The first signal cancels every instance and stops the batch (unstarted lines are
    // Cancelled); a second one gives up waiting: every unfinished line is printed as Cancelled.
    std::optional<signal_watcher::route> routed;
    if (options.signals != nullptr) {
        routed.emplace(options.signals->route_to(
            [&](int signo) {
                stop_code.store(exit_code_for_signal(signo));
                const std::lock_guard<std::mutex> lock(pool_mutex);
                for (const auto& instance : pool) {
                    if (instance)
                        instance->cancel();
                }
            },
            [&](int signo) { printer.abandon(exit_code_for_signal(signo)); }));
    }
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < workers; ++i)
        threads.emplace_back(work, i);

    int worst = printer.wait_printed();
    io.out.flush();
    if (::isatty(STDERR_FILENO) == 1)
        io.err << '\n';  // after the progress counter
    if (!io.out) {
        say(io.err,
            "cannot write the results to stdout (closed, full or a broken pipe); "
            "they are lost, see the summary");
        worst = worse_exit_code(worst, exit_code::output_lost);
    }
    say(io.err, "batch: " + printer.summary(worst));
    if (printer.abandoned()) {
        say(io.err, "second signal: exited without waiting for the plugin to return");
        std::_Exit(worst);  // the workers may still be inside the plugin
    }
    for (auto& t : threads)
        t.join();
    return worst;
}

}  // namespace actionhost::core
