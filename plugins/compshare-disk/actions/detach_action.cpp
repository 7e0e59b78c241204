#include "detach_action.hpp"

#include "action_support.hpp"
#include "confirming_wait.hpp"
#include "disk_inventory.hpp"
#include "instance_reader.hpp"
#include "progress.hpp"
#include "write_run.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

namespace compshare::detach {
namespace {

using clock = std::chrono::steady_clock;

constexpr const char* detach_action_name = "DetachCompshareDisk";
constexpr const char* inventory_action = "DescribeCompshareDisk";

detach_report initial_report(const detach_params& p) {
    detach_report r;
    r.dry_run = p.dry_run;
    r.client_token = p.client_token;
    r.resource.region = p.region;
    r.resource.zone = p.zone;
    r.resource.uhost_id = p.uhost_id;
    r.resource.udisk_id = p.udisk_id;
    r.resource.device = p.device;
    return r;
}

class detach_run final : write_run {
  public:
    detach_run(const detach_params& params, api_client& client, const actionhost::host& host)
        : write_run(client, host,
                    progress(host, params.uhost_id, params.udisk_id,
                             client.settings().private_key.view()),
                    "detach", status::detach_requested, initial_report(params)),
          p_(params) {}

    detach_report run() { return run_steps(p_.precheck, p_.dry_run, p_.wait); }

  private:
    void report_dry_run() override {
        r_.observed.attached_after = true;
        succeed(status::would_detach, "dry run: " + p_.udisk_id + " (" + r_.resource.device +
                                          ") would be detached from " + p_.uhost_id +
                                          "; nothing was sent");
        add_unmount_warning();
    }

    bool write() override {
        send_detach();
        add_unmount_warning();
        return true;
    }

    void report_requested() override {
        succeed(status::detach_requested, concat({"detach of ", p_.udisk_id, " from ", p_.uhost_id,
                                                  " requested; not waiting (Wait is false)"}));
    }

    void wait_and_report() override {
        wait_until_detached();
        r_.observed.attached_after = false;
        succeed(status::detached,
                "detached " + p_.udisk_id + " (" + r_.resource.device + ") from " + p_.uhost_id);
    }

    void add_unmount_warning() {
        r_.warnings.push_back(concat({"make sure the file system on ", r_.resource.device,
                                      " was unmounted and that the instance does not mount it at "
                                      "boot (/etc/fstab without nofail), or the instance may fail "
                                      "to start"}));
    }

    std::string where() const {
        std::string text = p_.uhost_id + " in region " + p_.region;
        if (!p_.zone.empty())
            text += " zone " + p_.zone;
        return text;
    }

    // One DescribeCompShareInstance of this instance (throws stop).
    std::optional<instance_view> describe(const std::string& context,
                                          std::optional<clock::time_point> deadline = {}) {
        return read_instance(
            client_, {p_.region, p_.zone, p_.uhost_id, p_.project_id}, context,
            [this](const std::string& c) { return cancelled_message(c); }, deadline);
    }

    // Returns false when the disk is not attached (the result is then complete).
    bool precheck() override {
        const auto read = describe(std::string(describe_action) + " for " + p_.uhost_id);
        const auto& view = adopt_instance(read, p_.zone, where());
        const disk_view* disk = view.find_disk(p_.udisk_id);
        if (disk == nullptr) {
            events_.precheck(view.state, false, p_.device);
            r_.observed.attached_before = false;
            r_.observed.attached_after = false;
            const std::string not_here = p_.udisk_id + " is not attached to " + p_.uhost_id +
                                         " (instance " + describe_state(view.state) + ")";
            const std::string second_opinion = confirm_not_attached(not_here);
            r_.ok = true;
            r_.changed = false;
            r_.status = status::already_detached;
            r_.message = not_here + second_opinion + "; nothing to do";
            return false;
        }
        r_.observed.attached_before = true;
        if (disk->is_boot) {
            throw stop{
                make_error(error_type::system_disk, p_.udisk_id + " is the system (boot) disk of " +
                                                        p_.uhost_id + " and cannot be detached")};
        }
        // The Drive becomes the detach's Device and is quoted in messages: the same rule as a
        // user's Device, or the reply is not believed.
        if (!disk->drive.empty() && !is_valid_device(disk->drive)) {
            throw stop{make_error(error_type::transient,
                                  std::string(describe_action) + " for " + p_.uhost_id +
                                      ": malformed reply (DiskSet[].Drive of " + p_.udisk_id +
                                      " is not a device path such as /dev/vdb)",
                                  true)};
        }
        const std::string wanted = p_.device;
        if (!wanted.empty() && !disk->drive.empty() && disk->drive != wanted) {
            throw stop{make_error(error_type::invalid_parameter,
                                  "Device " + wanted + " does not match the device of " +
                                      p_.udisk_id + " on " + p_.uhost_id + " (" + disk->drive +
                                      ")")};
        }
        if (wanted.empty()) {
            if (disk->drive.empty()) {
                throw stop{make_error(error_type::invalid_parameter,
                                      "Device was not given and " + p_.uhost_id +
                                          " does not report the Drive of " + p_.udisk_id +
                                          "; pass Device")};
            }
            r_.resource.device = disk->drive;
        }
        events_.precheck(view.state, true, r_.resource.device);
        if (view.state.empty()) {
            // The API's "unknown" (its status query failed): a passing condition, not a state.
            throw stop{make_error(error_type::transient,
                                  "the service does not know the state of " + p_.uhost_id +
                                      " (State \"\"); " + detach_action_name + " of " +
                                      p_.udisk_id + " needs the instance Stopped",
                                  true)};
        }
        if (view.state != "Stopped") {
            const bool stopping = view.state == "Stopping";
            throw stop{make_error(error_type::instance_not_stopped,
                                  p_.uhost_id + " is " + describe_state(view.state) + "; " +
                                      detach_action_name + " of " + p_.udisk_id +
                                      " needs the instance Stopped",
                                  stopping)};
        }
        return true;
    }

    // The disk is not in the instance's DiskSet: asks the inventory where it is. Returns a note
    // for the message when the disk is free; throws DiskNotFound, DiskAttachedElsewhere,
    // Transient (the two reads disagree) or Cancelled. When the inventory cannot be read the
    // answer stays already_detached, with a warning that the disk's existence is unconfirmed.
    std::string confirm_not_attached(const std::string& not_here) {
        std::string unreadable;
        const auto answer = ask_inventory(p_.region, p_.project_id, p_.udisk_id, unreadable);
        if (!answer) {
            unconfirmed_warning(unreadable);
            return "";
        }
        const std::optional<inventory_disk>& entry = *answer;
        const std::string nothing_sent = "; nothing was sent";
        if (!entry) {
            throw stop{make_error(error_type::disk_not_found,
                                  not_here + " and no disk " + p_.udisk_id +
                                      " is listed in region " + p_.region + " (" +
                                      inventory_action + ")" + nothing_sent)};
        }
        if (entry->mount_instance.empty())
            return " and " + std::string(inventory_action) + " lists it as free";
        if (entry->mount_instance == p_.uhost_id) {
            throw stop{make_error(error_type::transient,
                                  not_here + ", but " + inventory_action +
                                      " lists it as mounted there; the two reads disagree" +
                                      nothing_sent,
                                  true)};
        }
        throw stop{make_error(error_type::disk_attached_elsewhere,
                              p_.udisk_id + " is attached to " + entry->mount_instance +
                                  ", not to " + p_.uhost_id + " (" + inventory_action +
                                  (entry->status.empty() ? "" : ", Status " + entry->status) + ")" +
                                  nothing_sent)};
    }

    void unconfirmed_warning(const std::string& reason) {
        r_.warnings.push_back("could not confirm that " + p_.udisk_id + " exists (" + reason +
                              "): a mistyped UDiskId also looks already detached");
    }

    // Sends the detach once. After an ambiguous failure (the request may have reached the
    // service) it re-reads the instance and sends again only while the disk is still attached
    // and no detach is in progress (17061 / 8434 count as accepted), at most max_retries times.
    // Never sends again after an accepted request.
    void send_detach() {
        write_plan plan;
        plan.action = detach_action_name;
        plan.context = concat({detach_action_name, " of ", p_.udisk_id, " from ", p_.uhost_id});
        plan.not_yet = "the disk is still attached";
        plan.in_progress = is_detach_in_progress;
        plan.refused = [&](const api_failure& f, bool repeated) {
            // Refused outright. But when an earlier attempt may have gone through (the client
            // repeated the request, or an earlier send was unconfirmed), the refusal may be
            // about a disk that is already gone: that is the success this run was after.
            if (repeated && disk_gone(plan.context))
                return write_end::took_effect;
            throw stop{classify(f, plan.context)};
        };
        plan.took_effect = [&] {
            const auto view = describe("re-reading " + p_.uhost_id + " after an unconfirmed " +
                                       detach_action_name);
            if (!view) {
                throw stop{make_error(error_type::instance_not_found,
                                      "instance " + where() +
                                          " was not found after an unconfirmed " +
                                          detach_action_name)};
            }
            r_.observed.instance_state = view->state;
            return view->find_disk(p_.udisk_id) == nullptr;
        };
        // An empty Zone or ProjectId is not sent (call() drops it).
        send_safely(plan, {{"Region", r_.resource.region},
                           {"UHostId", p_.uhost_id},
                           {"UDiskId", p_.udisk_id},
                           {"Device", r_.resource.device},
                           {"Zone", r_.resource.zone},
                           {"ProjectId", p_.project_id}});
    }

    // One extra read after a failed repeated write; false when anything stands in the way.
    bool disk_gone(const std::string& context) {
        try {
            const auto view = describe("re-reading " + p_.uhost_id + " after " + context);
            return view && view->find_disk(p_.udisk_id) == nullptr;
        } catch (const stop&) {
            return false;  // report the original failure, not this one
        }
    }

    void wait_until_detached() {
        const std::string context = "polling " + p_.uhost_id;
        const auto poll = [&](clock::time_point deadline) {
            const auto view = describe(context, deadline);
            if (!view) {
                throw stop{make_error(error_type::instance_not_found,
                                      "instance " + where() + " disappeared while waiting for " +
                                          p_.udisk_id + " to detach")};
            }
            const bool attached = view->find_disk(p_.udisk_id) != nullptr;
            r_.observed.instance_state = view->state;
            r_.observed.attached_after = attached;
            events_.poll(r_.timing.polls + 1, view->state, attached, elapsed_ms());
            return !attached;
        };
        const auto end = wait_for(p_.poll_interval_seconds, p_.wait_timeout_seconds, poll);
        if (end.confirmed)
            return;
        const std::string& last_failure = end.last_failure;
        const std::string polls = count_of(r_.timing.polls, "poll", "polls");
        std::string message;
        if (!r_.observed.attached_after) {
            message =
                p_.udisk_id + " could not be confirmed detached from " + p_.uhost_id + " within " +
                seconds_text(p_.wait_timeout_seconds) + " s (" +
                (r_.timing.polls == 0 ? std::string("no poll was sent") : polls + ", none usable") +
                ")";
        } else if (*r_.observed.attached_after) {
            message = p_.udisk_id + " was still attached to " + p_.uhost_id + " after waiting " +
                      seconds_text(p_.wait_timeout_seconds) + " s (" + polls + ")";
        } else {
            message = p_.udisk_id + " was not in the DiskSet of " + p_.uhost_id +
                      " in the last read, but no second read confirmed it within " +
                      seconds_text(p_.wait_timeout_seconds) + " s (" + polls + ")";
        }
        if (!last_failure.empty())
            message += "; last poll failure: " + last_failure;
        throw stop{make_error(error_type::wait_timeout, message, true)};
    }

    const detach_params& p_;
};

}  // namespace

detach_report run_detach(const detach_params& params, api_client& client,
                         const actionhost::host& host) {
    return detach_run(params, client, host).run();
}

}  // namespace compshare::detach
