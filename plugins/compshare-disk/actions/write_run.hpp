// What the actions that write (detach, attach) share: the report under construction with its
// timing and request ids, how a failure or a cancel ends it, and the safe send (an ambiguous
// failure is re-read before the write is sent again; never after an accepted request).
#pragma once

#include "action_support.hpp"
#include "client/api_client.hpp"
#include "confirming_wait.hpp"
#include "detach_result.hpp"
#include "disk_inventory.hpp"
#include "instance_view.hpp"
#include "progress.hpp"

#include <actionhost/host.hpp>

#include <chrono>
#include <functional>
#include <optional>
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
    std::string context;  // "DetachCompshareDisk of udisk-x from uhost-y", for messages
    // The state after a failed confirmation: "the disk is still attached".
    const char* not_yet = "";
    // The service says the write is already being carried out (counts as accepted).
    std::function<bool(const api_failure&)> in_progress;
    // A refusal that certainly did not change anything (`repeated`: an earlier attempt of this
    // run may have gone through). Returns how it ended, or throws stop.
    std::function<write_end(const api_failure&, bool repeated)> refused;
    // The re-read after an ambiguous failure: true when the change shows. Throws stop.
    std::function<bool()> took_effect;
};

class write_run {
  public:
    virtual ~write_run() = default;

    // The steps every write action takes, each a hook below: read first (a dry run always
    // does), stop at a dry run, write, stop when not waiting, else wait. Always a complete
    // report.
    detach_report run_steps(bool precheck, bool dry_run, bool wait);

  protected:
    // `verb` ("detach"), `requested` the status of a run that sent its write but did not see it
    // done ("detach_requested"). `report` starts with the parameters filled in.
    write_run(api_client& client, const actionhost::host& host, progress events, const char* verb,
              const char* requested, detach_report report);

    // The hooks. Each throws stop to end the run with an error.
    virtual bool precheck() = 0;          // false: nothing to do (the report says why)
    virtual void report_dry_run() = 0;    // the precheck passed
    virtual bool write() = 0;             // false: nothing more to do (the report says why)
    virtual void report_requested() = 0;  // sent, not waiting
    virtual void wait_and_report() = 0;   // sent: wait until it shows

    // The run succeeded with `status`; `message` says what happened.
    void succeed(const char* status, std::string message);

    std::int64_t elapsed_ms() const;
    // Throws stop when cancelled, saying "cancelled <when()>"; `when` runs only then.
    template <class When>
    void check_cancel(const When& when) {
        if (host_.cancellation().requested())
            throw stop{make_error(error_type::cancelled, "cancelled " + when() + sent_note())};
    }
    std::string cancelled_message(const std::string& context) const;

    // The precheck's read of the instance: not listed is InstanceNotFound (`where` names it);
    // its state is observed, and its zone fills in an empty `zone` or must equal it
    // (InvalidParameter). Returns the instance.
    const instance_view& adopt_instance(const std::optional<instance_view>& view,
                                        const std::string& zone, const std::string& where);

    // The wait after the write (confirming_wait), with this run's poll count, poll_failed
    // events and cancellation.
    wait_end wait_for(double interval_seconds, double timeout_seconds, const poll_once& poll);

    // The disk inventory's entry for a disk (DescribeCompshareDisk, paged), for a second
    // opinion on where it is. std::nullopt inside: read to the end, not listed. An answer that
    // could not be had (any failure but a cancel, a malformed reply) is std::nullopt outside,
    // with `unreadable` saying why. A cancel throws stop.
    std::optional<std::optional<inventory_disk>> ask_inventory(const std::string& region,
                                                               const std::string& project_id,
                                                               const std::string& udisk_id,
                                                               std::string& unreadable);

    // Sends the plan's write (its parameters `request`: views of strings that stay unchanged
    // meanwhile) once; after an ambiguous failure (the request may have reached the
    // service) re-reads, and sends again only while the change does not show, at most
    // max_retries times. Sets the report's sent flag, changed and response.
    write_end send_safely(const write_plan& plan, const call_params& request);

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
