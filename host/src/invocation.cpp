#include "invocation.hpp"

#include "json_text.hpp"

#include <actionhost/json/reader.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>

namespace actionhost::core {
namespace {

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

// Cancels an instance when a deadline passes, unless destroyed first.
class cancel_timer {
  public:
    cancel_timer(plugin_instance& instance, std::chrono::duration<double> timeout) {
        using clock = std::chrono::steady_clock;
        // Clamped to [0, ten years]: an infinite or huge timeout must not overflow the clock.
        const std::chrono::duration<double> limit(10.0 * 365 * 24 * 3600);
        const auto deadline =
            clock::now() + std::chrono::duration_cast<clock::duration>(
                               std::clamp(timeout, std::chrono::duration<double>::zero(), limit));
        thread_ = std::thread([this, &instance, deadline] {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!done_cv_.wait_until(lock, deadline, [this] { return done_; })) {
                fired_.store(true);
                instance.cancel();
            }
        });
    }
    ~cancel_timer() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        done_cv_.notify_one();
        thread_.join();
    }
    cancel_timer(const cancel_timer&) = delete;
    cancel_timer& operator=(const cancel_timer&) = delete;

    bool fired() const { return fired_.load(); }

  private:
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::atomic<bool> fired_{false};
    std::thread thread_;
};

// The failure result with its error.type replaced and `why` put before its message: the host
// knows better than the plugin why it was cancelled. Unchanged when it has no error object.
std::string retyped(const std::string& result_json, std::string_view type, const std::string& why) {
    try {
        const auto result = json::as_object(json::parse(result_json, {true}));
        auto error = result ? json::as_object(result->get("error")) : nullptr;  // non-const: set()
        if (!error)
            return result_json;
        const auto message = error->get("message");
        error->set("type", std::string(type));
        error->set("message", why + (message.isString() ? ": " + message.extract<std::string>()
                                                        : std::string()));
        json_writer out;
        write_json_value(out, result);
        return out.take();
    } catch (const json::parse_error&) {
        return result_json;
    }
}

}  // namespace

void exit_for_signal(int signo, const std::string& message) {
    write_all(STDERR_FILENO, "actionhost: " + message + "\n");
    write_all(STDOUT_FILENO, error_result(error_type::cancelled, message) + "\n");
    std::_Exit(exit_code_for_signal(signo));
}

invocation_result judge(invoke_outcome outcome, cancel_reason reason, const manifest& plugin) {
    invocation_result r;
    r.reason = reason;
    if (reason != cancel_reason::none) {
        r.exit_code = exit_code_for_cancel(reason);
    } else if (outcome.status == AH_OK) {
        r.exit_code = exit_code::ok;
    } else {
        // error.type is read (a parse of the whole result) only here, where it matters.
        const std::string type = result_error_type(outcome.result_json);
        if (type.empty()) {
            r.exit_code = exit_code_for_status(outcome.status);
        } else if (const error_decl* declared = plugin.find_error(type)) {
            r.exit_code = exit_code_for_class(declared->kind);
        } else {
            r.exit_code = exit_code::failure;
            r.undeclared_type = type;
        }
    }
    r.outcome = std::move(outcome);
    return r;
}

invocation_result run_invocation(plugin_instance& instance, const std::string& action,
                                 const std::string& params_json,
                                 const invocation_options& options) {
    invoke_outcome outcome;
    bool timed_out = false;
    const auto invoke = [&] {
        if (!options.timeout) {
            outcome = instance.invoke(action, params_json);
            return;
        }
        const cancel_timer timer(instance, *options.timeout);
        outcome = instance.invoke(action, params_json);
        timed_out = timer.fired();
    };
    std::atomic<cancel_reason> signalled{cancel_reason::none};
    if (options.signals == nullptr) {
        invoke();
    } else {
        // Until the route ends, signals cancel this invocation; after it, the idle handler's.
        const auto route = options.signals->route_to(
            [&](int signo) {
                signalled.store(cancel_reason_for_signal(signo));
                instance.cancel();
            },
            [&](int signo) {
                if (options.on_repeated_signal)
                    options.on_repeated_signal(signo);
                else
                    exit_for_signal(signo, std::string("interrupted twice (second signal: ") +
                                               signal_name(signo) +
                                               "): exited without waiting for the plugin to "
                                               "return; the action's outcome is unknown");
            });
        invoke();
    }
    // A signal that arrived before the plugin returned counts, even after a timeout.
    cancel_reason reason = signalled.load();
    if (reason == cancel_reason::none && timed_out)
        reason = cancel_reason::timeout;
    if (reason == cancel_reason::timeout && outcome.status != AH_OK) {
        std::ostringstream seconds;
        seconds << options.timeout->count();
        outcome.result_json = retyped(outcome.result_json, error_type::timeout,
                                      "timed out after " + seconds.str() + " s (--timeout)");
    }
    return judge(std::move(outcome), reason, instance.library().info());
}

}  // namespace actionhost::core
