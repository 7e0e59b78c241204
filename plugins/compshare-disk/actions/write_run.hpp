// What the actions that write (detach, attach) share: the report under construction with its
// timing and request ids, how a failure or a cancel ends it, and the safe send (an ambiguous
// failure is re-read before the write is sent again; never after an accepted request).
#pragma once

#include "action_support.hpp"
#include "client/api_client.hpp"
#include "detach_result.hpp"
#include "progress.hpp"

#include <actionhost/host.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace compshare::detach {

// How a safe send ended.
enum class write_end {
    accepted,      // the service accepted it (or said one is in progress)
    took_effect,   // a re-read shows the change, made by this run's earlier attempt
    already_done,  // the service refused, and a re-read shows the change was already there
};

struct write_plan {
    std::string action;   // e.g. "DetachCompshareDisk"
    param_map request;    // its parameters
    std::string context;  // "DetachCompshareDisk of udisk-x from uhost-y", for messages
    std::string not_yet;  // the state after a failed confirmation: "the disk is still attached"
    // The service says the write is already being carried out (counts as accepted).
    std::function<bool(const api_failure&)> in_progress;
    // A refusal that certainly did not change anything (`repeated`: an earlier attempt of this
    // run may have gone through). Returns how it ended, or throws stop.
    std::function<write_end(const api_failure&, bool repeated)> refused;
    // The re-read after an ambiguous failure: true when the change shows. Throws stop.
    std::function<bool()> took_effect;
};

class write_run {
  protected:
    // `verb` ("detach"), `requested` the status of a run that sent its write but did not see it
    // done ("detach_requested"). `report` starts with the parameters filled in.
    write_run(api_client& client, const actionhost::host& host, progress events, const char* verb,
              const char* requested, detach_report report);

    // Runs `steps` and finishes the report: a stop ends it with its error, any other exception
    // is an InternalError; the result is always complete.
    detach_report guarded(const std::function<void()>& steps);

    std::int64_t elapsed_ms() const;
    void check_cancel(const std::string& where);  // throws stop when cancelled
    std::string cancelled_message(const std::string& context) const;

    // Sends the plan's write once; after an ambiguous failure (the request may have reached the
    // service) re-reads, and sends again only while the change does not show, at most
    // max_retries times. Sets the report's sent flag, changed and response.
    write_end send_safely(const write_plan& plan);

    api_client& client_;
    const actionhost::host& host_;
    progress events_;
    detach_report r_;

  private:
    void fail(error_info error);
    std::string sent_note() const;
    void accepted(int ret_code, std::string action, std::string message,
                  const std::string& request_id);

    const char* verb_;
    const char* requested_;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace compshare::detach
