// The wait after an accepted write: read the instance every poll interval until the goal (disk
// gone, disk present) shows in `confirming_reads` consecutive reads, or the deadline comes.
// A read that failed transiently (after the client's own retries) does not end the wait.
#pragma once

#include "action_support.hpp"
#include "client/api_client.hpp"

#include <actionhost/host.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace compshare::detach {

struct wait_plan {
    double interval_seconds = 3;
    double timeout_seconds = 300;  // counts from the start of the wait
    int confirming_reads = 2;      // guards against a stale read right after the request
};

// One poll: reads with the deadline and says whether the goal is seen; throws stop.
using poll_once = std::function<bool(std::chrono::steady_clock::time_point deadline)>;
// A poll that failed transiently, with its number.
using poll_failed_note = std::function<void(int number, const error_info& error)>;

struct wait_end {
    bool confirmed = false;    // false: the deadline came first
    std::string last_failure;  // the last failed poll's message ("" = none)
};

// `polls` counts the reads that were sent (none is sent once the deadline has come).
// `check_cancel` throws stop when the run was cancelled; the sleeps wake on a cancel.
wait_end wait_confirmed(const wait_plan& plan, const api_client& client,
                        const actionhost::host& host, int& polls, const poll_once& poll,
                        const poll_failed_note& failed, const std::function<void()>& check_cancel);

}  // namespace compshare::detach
