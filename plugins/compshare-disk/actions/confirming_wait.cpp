#include "confirming_wait.hpp"

#include <algorithm>

namespace compshare::detach {

wait_end wait_confirmed(const wait_plan& plan, const api_client& client,
                        const actionhost::host& host, int& polls, const poll_once& poll,
                        const poll_failed_note& failed, const std::function<void()>& check_cancel) {
    using namespace std::chrono;
    using clock = steady_clock;
    const auto interval = duration<double>(plan.interval_seconds);
    const auto deadline =
        clock::now() + duration_cast<clock::duration>(duration<double>(plan.timeout_seconds));
    int consecutive = 0;
    wait_end end;
    while (true) {
        const auto left = deadline - clock::now();
        if (left <= clock::duration::zero())
            return end;
        const auto nap = std::min(duration_cast<clock::duration>(interval), left);
        host.cancellation().sleep_for(nap);  // returns early on cancel
        check_cancel();
        // A poll counts once its request went out: at the deadline none may be sent.
        const int calls_before = client.stats().api_calls;
        const int number = polls + 1;
        bool seen = false;
        try {
            seen = poll(deadline);
        } catch (const stop& s) {
            if (s.error.type == error_type::cancelled)
                throw;
            if (client.stats().api_calls == calls_before)
                return end;  // nothing was sent: the deadline came first
            polls = number;
            // The write is in flight either way: keep polling until the deadline.
            if (!s.error.retryable)
                throw;
            failed(number, s.error);
            end.last_failure = s.error.message;
            consecutive = 0;
            continue;
        }
        polls = number;
        consecutive = seen ? consecutive + 1 : 0;
        if (consecutive >= plan.confirming_reads) {
            end.confirmed = true;
            return end;
        }
    }
}

}  // namespace compshare::detach
