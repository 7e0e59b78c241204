// C++17 helper for writing an actionhost plugin: write a class, add one macro.
//
//     class my_plugin {
//     public:
//         // Throw actionhost::plugin_error (or anything) to refuse the config.
//         my_plugin(const actionhost::host& host, std::string_view config_json);
//         actionhost::outcome invoke(std::string_view action, std::string_view params_json);
//     };
//     AH_PLUGIN(my_plugin)
//
// AH_PLUGIN generates the seven ah_plugin_* exports of plugin_api.h. They check their arguments,
// catch every exception (construction included), keep the result and the last error alive until
// the next call on the instance, and implement cancellation (see actionhost::cancel_signal).
// The manifest comes from actionhost::embedded::manifest, which the CMake function
// actionhost_add_plugin() generates from manifests/<plugin>.json.
#pragma once

#include <actionhost/plugin_api.h>
#include <actionhost/json_writer.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#else
#include <fcntl.h>
#endif

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace actionhost {

// The embedded manifest (NUL-terminated), generated at build time from the manifest file.
namespace embedded {
extern const char manifest[];
}

// What an action returns: the status, the result object, and (for a non-OK status) the message
// ah_plugin_last_error() reports.
struct outcome {
    ah_status status = AH_OK;
    std::string result_json;  // one JSON object
    std::string message;      // required when status != AH_OK

    // {"ok": false, "error": {"type", "message", "retryable"}} with the matching status.
    static outcome failure(ah_status status, std::string_view type, std::string_view message,
                           bool retryable = false) {
        json_writer json;
        json.begin_object().member("ok", false).key("error").begin_object();
        json.member("type", type).member("message", message).member("retryable", retryable);
        json.end_object().end_object();
        return {status, json.take(), std::string(message)};
    }
    static outcome unknown_action(std::string_view action) {
        return failure(AH_UNKNOWN_ACTION, "UnknownAction",
                       "unknown action " + json_quote(action) + " (see the plugin's manifest)");
    }
};

// Thrown from a plugin's constructor to refuse its configuration with a given status.
class plugin_error : public std::runtime_error {
  public:
    plugin_error(ah_status status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    ah_status status() const noexcept { return status_; }

  private:
    ah_status status_;
};

// Cancellation of one instance: an atomic flag plus an eventfd (a pipe off Linux) that becomes
// readable on cancel, so waits wake at once. request() is async-signal-safe: it only stores
// atomics and calls write(2) and shutdown(2).
class cancel_signal {
  public:
    cancel_signal() {
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
    ~cancel_signal() {
        ::close(read_fd_);
        if (write_fd_ != read_fd_)
            ::close(write_fd_);
    }
    cancel_signal(const cancel_signal&) = delete;
    cancel_signal& operator=(const cancel_signal&) = delete;

    // Async-signal-safe, any thread.
    void request() noexcept {
        requested_.store(true);
        busy_.fetch_add(1);
        const int socket = socket_.exchange(-1);
        if (socket >= 0)
            ::shutdown(socket, SHUT_RDWR);
        busy_.fetch_sub(1);
        const std::uint64_t one = 1;
        const int saved_errno = errno;
        [[maybe_unused]] auto written = ::write(write_fd_, &one, sizeof one);
        errno = saved_errno;
    }

    bool requested() const noexcept {
        return requested_.load();
    }

    // Clears a request once an invocation has honoured (or outlived) it.
    void consume() noexcept {
        requested_.store(false);
        drain();
    }

    // Readable once a cancel was requested; for poll()/select() in the plugin's own waits.
    int fd() const noexcept {
        return read_fd_;
    }

    // Sleeps for `duration` (at most a year) unless cancelled first. Returns false when
    // cancelled.
    template <class Rep, class Period>
    bool sleep_for(std::chrono::duration<Rep, Period> duration) const {
        using namespace std::chrono;
        const auto capped = duration < duration_cast<decltype(duration)>(hours(24 * 365))
                                ? duration_cast<nanoseconds>(duration)
                                : duration_cast<nanoseconds>(hours(24 * 365));
        const auto deadline = steady_clock::now() + capped;
        while (!requested()) {
            const auto left = ceil<milliseconds>(deadline - steady_clock::now());
            if (left.count() <= 0)
                return true;
            pollfd p{read_fd_, POLLIN, 0};
            const int timeout = left.count() > 1000000 ? 1000000 : static_cast<int>(left.count());
            if (::poll(&p, 1, timeout) > 0 && !requested())
                drain();  // a stale wake-up
        }
        return false;
    }

    // While alive, a cancel also shuts the socket down, so a blocking send/receive on it returns
    // at once. The owner must destroy the guard before closing the socket.
    class socket_guard {
      public:
        socket_guard(cancel_signal& signal, int socket) : signal_(signal) {
            signal_.socket_.store(socket);
            if (signal_.requested()) {
                const int s = signal_.socket_.exchange(-1);
                if (s >= 0)
                    ::shutdown(s, SHUT_RDWR);
            }
        }
        ~socket_guard() {
            signal_.socket_.store(-1);
            // A request() that picked the socket up may still be inside shutdown(2).
            while (signal_.busy_.load() != 0)
                std::this_thread::yield();
        }
        socket_guard(const socket_guard&) = delete;
        socket_guard& operator=(const socket_guard&) = delete;

      private:
        cancel_signal& signal_;
    };

  private:
    void drain() const noexcept {
        std::uint64_t value;
        while (::read(read_fd_, &value, sizeof value) > 0) {
        }
    }

    int read_fd_ = -1;
    int write_fd_ = -1;
    std::atomic<bool> requested_{false};
    std::atomic<int> socket_{-1};
    std::atomic<int> busy_{0};
    static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
                  "cancel_signal must be async-signal-safe");
};

// What the host offers an instance: its log callback and the instance's cancellation.
class host {
  public:
    host(const ah_host_api* api, cancel_signal& cancel) : cancel_(cancel) {
        if (api == nullptr)
            return;
        if (api->struct_size >= offsetof(ah_host_api, log) + sizeof api->log) {
            ctx_ = api->host_ctx;
            log_ = api->log;
        }
    }

    bool has_log() const noexcept { return log_ != nullptr; }

    // Sends one event (a JSON object with "event" and "message") to the host, if it takes them.
    void log(ah_log_level level, const std::string& event_json) const noexcept {
        if (log_ != nullptr)
            log_(ctx_, level, event_json.c_str());
    }
    // Convenience for a plain event: {"event": event, "message": message}.
    void log(ah_log_level level, std::string_view name, std::string_view message) const {
        if (log_ == nullptr)
            return;
        json_writer event;
        event.begin_object().member("event", name).member("message", message).end_object();
        log(level, event.str());
    }

    cancel_signal& cancellation() const noexcept { return cancel_; }

  private:
    cancel_signal& cancel_;
    void* ctx_ = nullptr;
    ah_log_fn log_ = nullptr;
};

namespace detail {

class plugin_base {
  public:
    virtual ~plugin_base() = default;
    virtual outcome invoke(std::string_view action, std::string_view params) = 0;
};

template <class Plugin>
class plugin_holder final : public plugin_base {
  public:
    plugin_holder(const actionhost::host& h, std::string_view config) : plugin_(h, config) {}
    outcome invoke(std::string_view action, std::string_view params) override {
        return plugin_.invoke(action, params);
    }

  private:
    Plugin plugin_;
};

}  // namespace detail
}  // namespace actionhost

// The opaque instance of plugin_api.h, as this helper implements it.
struct ah_instance {
    actionhost::cancel_signal cancel;
    actionhost::host services;
    std::unique_ptr<actionhost::detail::plugin_base> plugin;  // null when create failed
    ah_status create_status = AH_OK;
    std::string create_error;
    std::string result;
    std::string last_error;

    explicit ah_instance(const ah_host_api* api) : services(api, cancel) {}
};

namespace actionhost::detail {

inline const char* const null_instance_message =
    "the instance is NULL (ah_plugin_create could not allocate one)";

// Records a failure on the instance and returns its status.
inline ah_status fail(ah_instance* inst, const outcome& out, const char** result_json,
                      std::size_t* result_len) {
    inst->result = out.result_json;
    inst->last_error = out.message.empty() ? "the action failed without a message" : out.message;
    *result_json = inst->result.c_str();
    *result_len = inst->result.size();
    return out.status;
}

template <class Plugin>
ah_status create(const ah_host_api* api, const char* config_json, ah_instance** out) noexcept {
    if (out == nullptr)
        return AH_INVALID_ARGUMENT;
    *out = nullptr;
    ah_instance* inst = nullptr;
    try {
        auto owned = std::make_unique<ah_instance>(api);
        inst = owned.get();
        *out = owned.release();
    } catch (const std::exception&) {
        return AH_ERROR;  // no memory or no event fd: nothing to report through
    }
    try {
        const std::string_view config = config_json != nullptr ? config_json : "{}";
        inst->plugin = std::make_unique<plugin_holder<Plugin>>(inst->services, config);
        return AH_OK;
    } catch (const plugin_error& e) {
        inst->create_status = e.status() == AH_OK ? AH_ERROR : e.status();
        inst->create_error = e.what();
    } catch (const std::exception& e) {
        inst->create_status = AH_ERROR;
        inst->create_error = std::string("cannot create the instance: ") + e.what();
    } catch (...) {
        inst->create_status = AH_ERROR;
        inst->create_error = "cannot create the instance: unknown exception";
    }
    try {
        inst->last_error = inst->create_error;
    } catch (...) {
    }
    return inst->create_status;
}

inline ah_status invoke(ah_instance* inst, const char* action, const char* params,
                        std::size_t params_len, const char** result_json,
                        std::size_t* result_len) noexcept {
    if (inst == nullptr)
        return AH_INVALID_ARGUMENT;
    try {
        if (result_json == nullptr || result_len == nullptr) {
            inst->last_error = "result_json and result_len must not be NULL";
            return AH_INVALID_ARGUMENT;
        }
        *result_json = nullptr;
        *result_len = 0;
        if (!inst->plugin) {
            return fail(inst,
                        outcome::failure(AH_ERROR, "InstanceUnusable",
                                         "the instance failed to create: " + inst->create_error),
                        result_json, result_len);
        }
        if (action == nullptr) {
            return fail(inst,
                        outcome::failure(AH_INVALID_ARGUMENT, "InvalidParameter",
                                         "the action name is NULL"),
                        result_json, result_len);
        }
        if (params == nullptr) {
            return fail(
                inst,
                outcome::failure(AH_INVALID_ARGUMENT, "InvalidParameter", "params_json is NULL"),
                result_json, result_len);
        }
        if (inst->cancel.requested()) {
            inst->cancel.consume();
            return fail(inst,
                        outcome::failure(AH_CANCELLED, "Cancelled",
                                         "cancelled before the action started; nothing was done"),
                        result_json, result_len);
        }
        outcome out = inst->plugin->invoke(action, std::string_view(params, params_len));
        inst->cancel.consume();
        if (out.result_json.empty()) {
            out =
                outcome::failure(AH_ERROR, "InternalError",
                                 "the plugin returned no result for action " + json_quote(action));
        }
        if (out.status != AH_OK)
            return fail(inst, out, result_json, result_len);
        inst->result = std::move(out.result_json);
        inst->last_error.clear();
        *result_json = inst->result.c_str();
        *result_len = inst->result.size();
        return AH_OK;
    } catch (const std::exception& e) {
        inst->cancel.consume();
        try {
            return fail(inst,
                        outcome::failure(AH_ERROR, "InternalError",
                                         std::string("the action threw: ") + e.what()),
                        result_json, result_len);
        } catch (...) {
        }
    } catch (...) {
        inst->cancel.consume();
        try {
            return fail(inst,
                        outcome::failure(AH_ERROR, "InternalError",
                                         "the action threw an unknown exception"),
                        result_json, result_len);
        } catch (...) {
        }
    }
    // Out of memory while reporting: a static, valid result.
    static const char oom[] =
        "{\"ok\":false,\"error\":{\"type\":\"InternalError\",\"message\":\"out of "
        "memory\",\"retryable\":true}}";
    inst->last_error.clear();
    *result_json = oom;
    *result_len = sizeof oom - 1;
    return AH_ERROR;
}

inline const char* last_error(const ah_instance* inst) noexcept {
    return inst == nullptr ? null_instance_message : inst->last_error.c_str();
}

}  // namespace actionhost::detail

// Generates the ah_plugin_* exports for PluginClass (use once, at namespace scope, in one file).
#define AH_PLUGIN(PluginClass)                                                                    \
    extern "C" {                                                                                  \
    AH_EXPORT const char* ah_plugin_api_version(void) {                                           \
        return AH_PLUGIN_API_VERSION;                                                             \
    }                                                                                             \
    AH_EXPORT const char* ah_plugin_manifest(void) {                                              \
        return actionhost::embedded::manifest;                                                    \
    }                                                                                             \
    AH_EXPORT ah_status ah_plugin_create(const ah_host_api* host, const char* config_json,        \
                                         ah_instance** out) {                                     \
        return actionhost::detail::create<PluginClass>(host, config_json, out);                   \
    }                                                                                             \
    AH_EXPORT void ah_plugin_destroy(ah_instance* instance) {                                     \
        std::unique_ptr<ah_instance> owned(instance);                                             \
    }                                                                                             \
    AH_EXPORT ah_status ah_plugin_invoke(ah_instance* instance, const char* action,               \
                                         const char* params_json, size_t params_len,              \
                                         const char** result_json, size_t* result_len) {          \
        return actionhost::detail::invoke(instance, action, params_json, params_len, result_json, \
                                          result_len);                                            \
    }                                                                                             \
    AH_EXPORT const char* ah_plugin_last_error(const ah_instance* instance) {                     \
        return actionhost::detail::last_error(instance);                                          \
    }                                                                                             \
    AH_EXPORT void ah_plugin_cancel(ah_instance* instance) {                                      \
        if (instance != nullptr)                                                                  \
            instance->cancel.request();                                                           \
    }                                                                                             \
    }
