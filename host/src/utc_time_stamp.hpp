// ISO 8601 UTC time stamps with milliseconds, as log lines carry them: "2026-11-28T15:26:07.123Z"
// (always 24 bytes, for the years 1000 to 9999).
#pragma once

#include <chrono>
#include <ctime>
#include <string>

namespace actionhost::core {

std::string utc_time_stamp(std::chrono::system_clock::time_point when);

// The same stamps for a stream of events, which come many to a second: the date and time of the
// last second are kept, and only the milliseconds are formatted anew. Not thread-safe (its owner
// serialises the calls).
class utc_time_stamper {
  public:
    // Appends the stamp of `when` to `out`.
    void append(std::string& out, std::chrono::system_clock::time_point when);

  private:
    std::time_t second_ = 0;
    std::string date_time_;  // second_ as "YYYY-MM-DDTHH:MM:SS"; empty before the first stamp
};

}  // namespace actionhost::core
