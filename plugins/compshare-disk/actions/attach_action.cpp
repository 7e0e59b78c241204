#include "attach_action.hpp"

#include "action_support.hpp"
#include "attach_error.hpp"
#include "confirming_wait.hpp"
#include "detach_params.hpp"
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

constexpr const char* attach_action_name = "AttachCompshareDisk";
constexpr const char* inventory_action = "DescribeCompshareDisk";

namespace attach_status {
constexpr const char* attached = "attached";
constexpr const char* already_attached = "already_attached";
constexpr const char* attach_requested = "attach_requested";
constexpr const char* would_attach = "would_attach";
}  // namespace attach_status

class attach_run final : write_run {
  public:
    attach_run(const attach_params& params, api_client& client, const actionhost::host& host)
        : write_run(client, host,
                    progress(host, params.uhost_id, params.udisk_id,
                             client.settings().private_key.view(), "attach"),
                    "attach", attach_status::attach_requested, attach_report_for(params)),
          p_(params),
          c_(params.controls) {}

    detach_report run() { return run_steps(c_.precheck, c_.dry_run, c_.wait); }

  private:
    void report_dry_run() override {
        r_.observed.attached_after = false;
        succeed(attach_status::would_attach, "dry run: " + p_.udisk_id + " would be attached to " +
                                                 p_.uhost_id + "; nothing was sent");
    }

    bool write() override {
        if (send_attach() != write_end::already_done)
            return true;
        already_attached(r_.resource.device, "; the service says so");
        return false;
    }

    void report_requested() override {
        succeed(attach_status::attach_requested,
                concat({"attach of ", p_.udisk_id, " to ", p_.uhost_id,
                        " requested; not waiting (Wait is false), so its device is not known "
                        "yet: run compshare-disk.status to read it"}));
    }

    void wait_and_report() override {
        wait_until_attached();
        r_.observed.attached_after = true;
        succeed(attach_status::attached,
                "attached " + p_.udisk_id + " to " + p_.uhost_id + " as " + r_.resource.device);
        add_mount_warning();
    }

    // The next step of every workflow: mount the disk, and never make the boot depend on it.
    void add_mount_warning() {
        r_.warnings.push_back(
            "mount " + r_.resource.device + " inside the instance (e.g. mount " +
            r_.resource.device +
            " /mnt/data); if it goes into /etc/fstab, use the nofail option, or the instance may "
            "fail to start once the disk is detached again");
    }

    std::string where(const std::string& uhost_id) const {
        return uhost_id + " in region " + p_.region + (p_.zone.empty() ? "" : " zone " + p_.zone);
    }

    std::optional<instance_view> describe(const std::string& uhost_id, const std::string& zone,
                                          const std::string& context,
                                          std::optional<clock::time_point> deadline = {}) {
        return read_instance(
            client_, {p_.region, zone, uhost_id, p_.project_id}, context,
            [this](const std::string& c) { return cancelled_message(c); }, deadline);
    }

    std::optional<instance_view> describe_target(const std::string& context,
                                                 std::optional<clock::time_point> deadline = {}) {
        return describe(p_.uhost_id, p_.zone, context, deadline);
    }

    // The disk's Drive as a device, or a Transient error: it is quoted and mounted by people.
    std::string checked_drive(const disk_view& disk) const {
        if (is_valid_device(disk.drive))
            return disk.drive;
        throw stop{make_error(error_type::transient,
                              std::string(describe_action) + " for " + p_.uhost_id +
                                  ": malformed reply (DiskSet[].Drive of " + p_.udisk_id +
                                  " is not a device path such as /dev/vdb)",
                              true)};
    }

    void already_attached(const std::string& device, const std::string& note) {
        r_.ok = true;
        r_.status = attach_status::already_attached;
        r_.observed.attached_before = true;
        r_.observed.attached_after = true;
        r_.resource.device = device;
        r_.message = p_.udisk_id + " is already attached to " + p_.uhost_id + " as " + device +
                     note + "; nothing to do";
        add_mount_warning();
    }

    // Returns false when the disk is already attached here (the result is then complete).
    bool precheck() override {
        const auto read = describe_target(std::string(describe_action) + " for " + p_.uhost_id);
        const auto& view = adopt_instance(read, p_.zone, where(p_.uhost_id));
        if (const disk_view* disk = view.find_disk(p_.udisk_id)) {
            const std::string device = checked_drive(*disk);
            events_.precheck(view.state, true, device);
            already_attached(device, "");
            return false;
        }
        r_.observed.attached_before = false;
        events_.precheck(view.state, false, "");
        confirm_disk_is_free();
        if (view.state.empty()) {
            // The API's "unknown" (its status query failed): a passing condition, not a state.
            throw stop{make_error(error_type::transient,
                                  "the service does not know the state of " + p_.uhost_id +
                                      " (State \"\"); " + attach_action_name +
                                      " needs the instance Running or Stopped",
                                  true)};
        }
        if (view.state != "Running" && view.state != "Stopped") {
            throw stop{make_error(error_type::instance_not_ready,
                                  p_.uhost_id + " is " + view.state + "; " + attach_action_name +
                                      " of " + p_.udisk_id +
                                      " needs the instance Running or Stopped",
                                  is_transitional_state(view.state))};
        }
        return true;
    }

    // The disk is not on this instance: where is it? The inventory says; a disk it places on
    // another instance is believed only when that instance's own read lists it too. An
    // unreadable inventory leaves the question to the attach itself (with a warning).
    void confirm_disk_is_free() {
        std::string unreadable;
        const auto answer = ask_inventory(p_.region, p_.project_id, p_.udisk_id, unreadable);
        if (!answer) {
            unlocated_warning(unreadable);
            return;
        }
        const std::optional<inventory_disk>& entry = *answer;
        const std::string nothing_sent = "; nothing was sent";
        if (!entry) {
            throw stop{make_error(error_type::disk_not_found,
                                  "no disk " + p_.udisk_id + " is attached to " + p_.uhost_id +
                                      " or listed in region " + p_.region + " (" +
                                      inventory_action + ")" + nothing_sent)};
        }
        const std::string& other = entry->mount_instance;
        if (other.empty())
            return;  // free
        if (other == p_.uhost_id) {
            throw stop{make_error(error_type::transient,
                                  p_.udisk_id + " is not in the DiskSet of " + p_.uhost_id +
                                      ", but " + inventory_action +
                                      " lists it as mounted there; the two reads disagree" +
                                      nothing_sent,
                                  true)};
        }
        const auto owner = describe(other, "", std::string(describe_action) + " for " + other);
        const disk_view* there = owner ? owner->find_disk(p_.udisk_id) : nullptr;
        if (there == nullptr) {
            throw stop{make_error(error_type::transient,
                                  inventory_action + std::string(" lists ") + p_.udisk_id +
                                      " as mounted on " + other + ", but " + other +
                                      (owner ? " does not list it" : " was not found") +
                                      "; the two reads disagree" + nothing_sent,
                                  true)};
        }
        const bool detaching = entry->status == "Detaching";
        const std::string drive = is_valid_device(there->drive) ? " as " + there->drive : "";
        throw stop{make_error(error_type::disk_attached_elsewhere,
                              p_.udisk_id + " is attached to " + other + drive + " (instance " +
                                  describe_state(owner->state) +
                                  (entry->status.empty() ? "" : ", disk " + entry->status) +
                                  "), not to " + p_.uhost_id + "; detach it from " + other +
                                  " first" + nothing_sent,
                              detaching)};
    }

    void unlocated_warning(const std::string& reason) {
        r_.warnings.push_back("could not read where " + p_.udisk_id + " is (" + reason +
                              "); the attach request itself was left to refuse a disk that is "
                              "unknown or attached elsewhere");
    }

    // The disk as this instance lists it now (nullptr when not), from a fresh read.
    std::optional<std::string> device_now(const std::string& context) {
        const auto view = describe_target(context);
        if (!view) {
            throw stop{make_error(error_type::instance_not_found,
                                  "instance " + where(p_.uhost_id) + " was not found " + context)};
        }
        r_.observed.instance_state = view->state;
        const disk_view* disk = view->find_disk(p_.udisk_id);
        if (disk == nullptr)
            return std::nullopt;
        return checked_drive(*disk);
    }

    // The service refused outright: a refusal that means "it is there already" or "it is
    // elsewhere" is read again before it is believed.
    write_end refused(const api_failure& f, const std::string& context, bool repeated) {
        if (f.kind == failure_kind::api_error && f.ret_code == ret_code::disk_not_found) {
            auto e = classify(f, context);
            e.type = error_type::disk_not_found;
            throw stop{std::move(e)};
        }
        if (f.kind == failure_kind::api_error && f.ret_code == ret_code::detach_in_progress) {
            auto e = classify(f, context);
            e.type = error_type::transient;
            e.retryable = true;
            e.message += " (the disk is still detaching from its previous instance)";
            throw stop{std::move(e)};
        }
        const bool says_attached =
            f.kind == failure_kind::api_error && f.ret_code == ret_code::already_attached;
        if (!says_attached && !repeated)
            throw stop{classify(f, context)};
        std::optional<std::string> device;
        try {
            device = device_now("after " + context + " was refused");
        } catch (const stop&) {
            throw stop{classify(f, context)};  // report the refusal, not the re-read
        }
        if (device) {
            r_.resource.device = *device;
            // With an earlier attempt of ours that may have gone through, it did.
            return repeated ? write_end::took_effect : write_end::already_done;
        }
        auto e = classify(f, context);
        if (says_attached) {
            e.type = error_type::disk_attached_elsewhere;
            e.message += "; " + p_.uhost_id + " does not list it, so another instance holds it";
        }
        throw stop{std::move(e)};
    }

    // Sends the attach once. After an ambiguous failure (the request may have reached the
    // service) it re-reads the instance and sends again only while the disk is not there, at
    // most max_retries times; an attach in progress (17056 / 17026) counts as accepted. Never
    // sends again after an accepted request.
    write_end send_attach() {
        const std::string context =
            concat({attach_action_name, " of ", p_.udisk_id, " to ", p_.uhost_id});
        const auto took_effect = [&] {
            const auto device =
                device_now("after an unconfirmed " + std::string(attach_action_name));
            if (device)
                r_.resource.device = *device;
            return device.has_value();
        };
        const char* cross_pod = "";
        if (p_.enable_cross_pod_attach)
            cross_pod = *p_.enable_cross_pod_attach ? "Yes" : "No";
        // An empty value is not sent (call() drops it).
        return send_safely(
            {attach_action_name, context, "the disk is not attached", is_attach_in_progress,
             [&](const api_failure& f, bool repeated) { return refused(f, context, repeated); },
             took_effect},
            {{"Region", p_.region},
             {"UHostId", p_.uhost_id},
             {"UDiskId", p_.udisk_id},
             {"Zone", r_.resource.zone},
             {"DataDiskType", p_.data_disk_type},
             {"EnableCrossPodAttach", cross_pod},
             {"ProjectId", p_.project_id}});
    }

    void wait_until_attached() {
        const std::string context = "polling " + p_.uhost_id;
        const auto poll = [&](clock::time_point deadline) {
            const auto view = describe_target(context, deadline);
            if (!view) {
                throw stop{make_error(error_type::instance_not_found,
                                      "instance " + where(p_.uhost_id) +
                                          " disappeared while waiting for " + p_.udisk_id +
                                          " to attach")};
            }
            const disk_view* disk = view->find_disk(p_.udisk_id);
            // Listed without a usable device is not attached yet: nobody could mount it.
            const bool usable = disk != nullptr && is_valid_device(disk->drive);
            r_.observed.instance_state = view->state;
            r_.observed.attached_after = usable;
            if (usable)
                r_.resource.device = disk->drive;
            events_.poll(r_.timing.polls + 1, view->state, usable, elapsed_ms());
            return usable;
        };
        const auto end = wait_for(c_.poll_interval_seconds, c_.wait_timeout_seconds, poll);
        if (end.confirmed)
            return;
        const std::string within = seconds_text(c_.wait_timeout_seconds) + " s (" +
                                   count_of(r_.timing.polls, "poll", "polls") + ")";
        std::string message =
            r_.observed.attached_after.value_or(false)
                ? p_.udisk_id + " showed on " + p_.uhost_id +
                      " in the last read, but no second read confirmed it within " + within
                : p_.udisk_id + " was not attached to " + p_.uhost_id + " with a device within " +
                      within;
        if (!end.last_failure.empty())
            message += "; last poll failure: " + end.last_failure;
        throw stop{make_error(error_type::wait_timeout, message, true)};
    }

    const attach_params& p_;
    const run_controls& c_;
};

}  // namespace

detach_report attach_report_for(const attach_params& params) {
    detach_report r;
    r.sent_key = "attach_sent";
    r.hint = attach_hint_for;
    r.dry_run = params.controls.dry_run;
    r.client_token = params.controls.client_token;
    r.resource = {params.region, params.zone, params.uhost_id, params.udisk_id, ""};
    return r;
}

detach_report run_attach(const attach_params& params, api_client& client,
                         const actionhost::host& host) {
    return attach_run(params, client, host).run();
}

}  // namespace compshare::detach
