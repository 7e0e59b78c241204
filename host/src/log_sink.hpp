// The host's log callback: plugin events to a stream (stderr), one line each, thread-safe.
#pragma once

#include "utc_time_stamp.hpp"

#include <actionhost/plugin_api.h>

#include <chrono>
#include <mutex>
#include <ostream>
#include <string>

namespace actionhost::core {

enum class log_format { json, text };

class log_sink {
  public:
    log_sink(std::ostream& out, log_format format, std::string plugin)
        : out_(out),
          format_(format),
          plugin_(std::move(plugin)),
          plain_plugin_name_(plugin_.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") ==
                             std::string::npos) {}
    log_sink(const log_sink&) = delete;
    log_sink& operator=(const log_sink&) = delete;

    // The ah_host_api to pass to ah_plugin_create; it points at this sink, which must outlive
    // every instance created with it.
    ah_host_api host_api();

    // Writes one event (what the C callback does).
    void write(ah_log_level level, const char* message);

    // One formatted line (without the newline), for a given time: JSON merges the plugin's event
    // object after "ts", "level" and "plugin" (which the plugin cannot override); text is
    // "TS LEVEL plugin event: message key=value...".
    std::string format(ah_log_level level, const char* message,
                       std::chrono::system_clock::time_point when) const;

    static const char* level_name(ah_log_level level);

  private:
    static void callback(void* ctx, ah_log_level level, const char* message);

    // A line is its head, the time stamp, then the rest: the rest is built before the lock, the
    // stamp under it (so that lines are stamped in the order they are written).
    const char* head() const;
    std::string after_time_stamp(ah_log_level level, const char* message) const;

    std::ostream& out_;
    log_format format_;
    std::string plugin_;
    // [a-z0-9_-]* only, as the manifest rule makes every name: copied into lines as is.
    bool plain_plugin_name_;
    std::mutex mutex_;          // one line at a time, whichever thread logs
    utc_time_stamper stamper_;  // guarded by mutex_
};

}  // namespace actionhost::core
