#include "detach_action.hpp"

#include "disk_inventory.hpp"
#include "instance_view.hpp"
#include "progress.hpp"
#include "secret_scrub.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

namespace compshare::detach {
namespace {

using clock = std::chrono::steady_clock;

constexpr const char* describe_action = "DescribeCompShareInstance";
constexpr const char* detach_action_name = "DetachCompshareDisk";
constexpr const char* inventory_action = "DescribeCompshareDisk";
constexpr int confirming_reads = 2;  // guards against a stale read right after the request

// Ends the run with an error (thrown inside the action, caught in run()).
struct stop {
    error_info error;
};

error_info make_error(const char* type, std::string message, bool retryable = false) {
    error_info e;
    e.type = type;
    e.message = std::move(message);
    e.retryable = retryable;
    return e;
}

// "1 poll", "2 polls".
std::string count_of(int n, const char* singular, const char* plural) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

class detach_run {
  public:
    detach_run(const detach_params& params, api_client& client, const actionhost::host& host)
        : p_(params),
          client_(client),
          host_(host),
          events_(host, params.uhost_id, params.udisk_id, client.settings().private_key.view()),
          started_(clock::now()) {
        r_.dry_run = p_.dry_run;
        r_.client_token = p_.client_token;
        r_.resource.region = p_.region;
        r_.resource.zone = p_.zone;
        r_.resource.uhost_id = p_.uhost_id;
        r_.resource.udisk_id = p_.udisk_id;
        r_.resource.device = p_.device;
    }

    detach_report run() {
        client_.reset_stats();
        try {
            if (p_.precheck || p_.dry_run) {
                if (!precheck())
                    return finish();  // already detached
                if (p_.dry_run) {
                    r_.ok = true;
                    r_.status = status::would_detach;
                    r_.observed.attached_after = true;
                    r_.message = "dry run: " + p_.udisk_id + " (" + r_.resource.device +
                                 ") would be detached from " + p_.uhost_id + "; nothing was sent";
                    add_unmount_warning();
                    return finish();
                }
            }
            check_cancel("before the detach request");
            send_detach();
            add_unmount_warning();
            if (!p_.wait) {
                r_.ok = true;
                r_.status = status::detach_requested;
                r_.message = "detach of " + p_.udisk_id + " from " + p_.uhost_id +
                             " requested; not waiting (Wait is false)";
                return finish();
            }
            wait_until_detached();
            r_.ok = true;
            r_.status = status::detached;
            r_.observed.attached_after = false;
            r_.message =
                "detached " + p_.udisk_id + " (" + r_.resource.device + ") from " + p_.uhost_id;
        } catch (const stop& s) {
            fail(s.error);
        } catch (const std::exception& e) {
            // A bug or an unexpected library failure: still one complete, valid result.
            fail(make_error("InternalError", std::string("internal error: ") + e.what()));
        }
        return finish();
    }

  private:
    std::int64_t elapsed_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started_)
            .count();
    }

    void fail(error_info error) {
        r_.ok = false;
        r_.message = error.message;
        if (r_.detach_sent) {
            r_.status = status::detach_requested;
        } else if (error.type == error_type::cancelled) {
            r_.status = status::cancelled;
        } else {
            r_.status = status::failed;
        }
        r_.error = std::move(error);
    }

    detach_report finish() {
        const auto& stats = client_.stats();
        r_.timing.elapsed_ms = elapsed_ms();
        r_.timing.api_calls = stats.api_calls;
        r_.timing.retries = stats.retries;
        r_.request_ids = stats.request_ids;
        // Server text is in it (messages, state, request ids): the private key never leaves.
        scrub_report(r_, client_.settings().private_key.view());
        events_.done(r_.ok, r_.status, r_.message, r_.timing.elapsed_ms);
        return std::move(r_);
    }

    void check_cancel(const std::string& where) {
        if (!host_.cancellation().requested())
            return;
        throw stop{make_error(error_type::cancelled,
                              "cancelled " + where +
                                  (r_.detach_sent ? "; the detach request had already been sent"
                                                  : "; no detach request was sent"))};
    }

    void add_unmount_warning() {
        r_.warnings.push_back("make sure the file system on " + r_.resource.device +
                              " was unmounted and that the instance does not mount it at boot "
                              "(/etc/fstab without nofail), or the instance may fail to start");
    }

    std::string where() const {
        std::string text = p_.uhost_id + " in region " + p_.region;
        if (!p_.zone.empty())
            text += " zone " + p_.zone;
        return text;
    }

    // One DescribeCompShareInstance; API failures are classified with `context`. A deadline
    // (the wait's) bounds the call and its retries.
    std::optional<instance_view> describe(const std::string& context,
                                          std::optional<clock::time_point> deadline = {}) {
        param_map params{{"Region", p_.region}, {"UHostIds.0", p_.uhost_id}};
        if (!p_.zone.empty())
            params["Zone"] = p_.zone;
        if (!p_.project_id.empty())
            params["ProjectId"] = p_.project_id;
        try {
            const auto reply =
                client_.call(describe_action, std::move(params), call_kind::read, deadline);
            return parse_describe(*reply.body, p_.uhost_id);
        } catch (const api_failure& f) {
            auto e = classify(f, context);
            if (e.type == error_type::cancelled)
                e.message = cancelled_message(context);
            throw stop{std::move(e)};
        } catch (const malformed_response& m) {
            throw stop{make_error(
                error_type::transient,
                context + ": malformed " + reply_name(context) + " (" + m.what() + ")", true)};
        }
    }

    // "reply" when the context already names the action, else "DescribeCompShareInstance reply".
    static std::string reply_name(const std::string& context) {
        return context.find(describe_action) == std::string::npos
                   ? std::string(describe_action) + " reply"
                   : std::string("reply");
    }

    std::string cancelled_message(const std::string& context) const {
        return "cancelled during " + context +
               (r_.detach_sent ? "; the detach request had already been sent"
                               : "; no detach request was sent");
    }

    // Returns false when the disk is not attached (the result is then complete).
    bool precheck() {
        const auto view = describe(std::string(describe_action) + " for " + p_.uhost_id);
        if (!view) {
            throw stop{make_error(error_type::instance_not_found,
                                  "instance " + where() + " was not found")};
        }
        r_.observed.instance_state = view->state;
        if (p_.zone.empty()) {
            r_.resource.zone = view->zone;
        } else if (!view->zone.empty() && view->zone != p_.zone) {
            throw stop{make_error(error_type::invalid_parameter,
                                  "Zone " + p_.zone + " does not match the zone of " + p_.uhost_id +
                                      " (" + view->zone + ")")};
        }
        const disk_view* disk = view->find_disk(p_.udisk_id);
        if (disk == nullptr) {
            events_.precheck(view->state, false, p_.device);
            r_.observed.attached_before = false;
            r_.observed.attached_after = false;
            const std::string not_here = p_.udisk_id + " is not attached to " + p_.uhost_id +
                                         " (instance " + describe_state(view->state) + ")";
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
        events_.precheck(view->state, true, r_.resource.device);
        if (view->state.empty()) {
            // The API's "unknown" (its status query failed): a passing condition, not a state.
            throw stop{make_error(error_type::transient,
                                  "the service does not know the state of " + p_.uhost_id +
                                      " (State \"\"); " + detach_action_name + " of " +
                                      p_.udisk_id + " needs the instance Stopped",
                                  true)};
        }
        if (view->state != "Stopped") {
            const bool stopping = view->state == "Stopping";
            throw stop{make_error(error_type::instance_not_stopped,
                                  p_.uhost_id + " is " + describe_state(view->state) + "; " +
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
        param_map base{{"Region", p_.region}};
        if (!p_.project_id.empty())
            base["ProjectId"] = p_.project_id;
        std::optional<inventory_disk> entry;
        try {
            entry = find_in_inventory(client_, base, p_.udisk_id);
        } catch (const api_failure& f) {
            if (f.kind == failure_kind::cancelled) {
                throw stop{make_error(
                    error_type::cancelled,
                    cancelled_message(std::string(inventory_action) + " for " + p_.udisk_id))};
            }
            unconfirmed_warning(f.what());
            return "";
        } catch (const malformed_response& m) {
            unconfirmed_warning(std::string(inventory_action) + ": malformed reply (" + m.what() +
                                ")");
            return "";
        }
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

    static std::string describe_state(const std::string& state) {
        return state.empty() ? "in an unknown state" : state;
    }

    param_map detach_request() const {
        param_map params{{"Region", r_.resource.region},
                         {"UHostId", p_.uhost_id},
                         {"UDiskId", p_.udisk_id},
                         {"Device", r_.resource.device}};
        if (!r_.resource.zone.empty())
            params["Zone"] = r_.resource.zone;
        if (!p_.project_id.empty())
            params["ProjectId"] = p_.project_id;
        return params;
    }

    void accepted(int ret_code, std::string action, std::string message,
                  const std::string& request_id) {
        r_.detach_sent = true;
        r_.changed = true;
        r_.response = api_response{std::move(action), ret_code, std::move(message)};
        events_.detach_sent(r_.resource.device, request_id, ret_code);
    }

    // Sends the detach once. After an ambiguous failure (the request may have reached the
    // service) it re-reads the instance and sends again only while the disk is still attached
    // and no detach is in progress, at most max_retries times. Never sends again after an
    // accepted request.
    void send_detach() {
        const int max_resends = std::max(0, client_.settings().max_retries);
        const std::string context =
            std::string(detach_action_name) + " of " + p_.udisk_id + " from " + p_.uhost_id;
        for (int resends = 0;; ++resends) {
            try {
                const auto reply =
                    client_.call(detach_action_name, detach_request(), call_kind::write);
                const auto action = reply.body->optValue<std::string>(
                    "Action", std::string(detach_action_name) + "Response");
                accepted(0, action, "", reply.request_id);
                return;
            } catch (const api_failure& f) {
                if (f.kind == failure_kind::cancelled) {
                    r_.detach_sent = r_.detach_sent || f.maybe_sent;
                    if (f.maybe_sent)
                        r_.changed = true;
                    throw stop{make_error(error_type::cancelled, cancelled_message(context))};
                }
                if (is_detach_in_progress(f)) {
                    // An earlier request of ours (or someone else's) is being carried out.
                    accepted(f.ret_code, std::string(detach_action_name) + "Response",
                             f.api_message, f.request_id);
                    return;
                }
                const bool ambiguous = f.maybe_sent || (f.kind == failure_kind::api_error &&
                                                        f.ret_code == ret_code::api_timeout);
                if (!ambiguous) {
                    // Refused outright. But when an earlier attempt may have gone through (the
                    // client repeated the request, or an earlier send was unconfirmed), the
                    // refusal may be about a disk that is already gone: that is the success
                    // this run was after.
                    if ((f.attempts > 1 || r_.detach_sent) && disk_gone(context)) {
                        r_.detach_sent = true;
                        r_.changed = true;
                        return;
                    }
                    throw stop{classify(f, context)};
                }
                r_.detach_sent = true;  // as far as anyone can tell
                r_.changed = true;
                events_.detach_unconfirmed(f.what());
            }
            // Read before writing again.
            const auto view = describe("re-reading " + p_.uhost_id + " after an unconfirmed " +
                                       detach_action_name);
            if (!view) {
                throw stop{make_error(error_type::instance_not_found,
                                      "instance " + where() +
                                          " was not found after an unconfirmed " +
                                          detach_action_name)};
            }
            r_.observed.instance_state = view->state;
            if (view->find_disk(p_.udisk_id) == nullptr)
                return;  // it took effect
            if (resends >= max_resends) {
                throw stop{make_error(error_type::transient,
                                      context + " could not be confirmed after " +
                                          count_of(resends + 1, "send", "sends") +
                                          "; the disk is still attached",
                                      true)};
            }
            check_cancel("before sending the detach again");
            events_.detach_resend(resends + 1, max_resends);
        }
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
        using namespace std::chrono;
        const auto interval = duration<double>(p_.poll_interval_seconds);
        const auto deadline = clock::now() + duration_cast<clock::duration>(
                                                 duration<double>(p_.wait_timeout_seconds));
        int consecutive = 0;
        std::string last_failure;
        const std::string context = "polling " + p_.uhost_id;
        while (true) {
            const auto left = deadline - clock::now();
            if (left <= clock::duration::zero())
                break;
            const auto nap = std::min(duration_cast<clock::duration>(interval), left);
            host_.cancellation().sleep_for(nap);  // returns early on cancel
            check_cancel("while waiting");
            // A poll counts once its request went out: at the deadline none may be sent.
            const int calls_before = client_.stats().api_calls;
            const int number = r_.timing.polls + 1;
            std::optional<instance_view> view;
            try {
                view = describe(context, deadline);
            } catch (const stop& s) {
                if (s.error.type == error_type::cancelled)
                    throw;
                if (client_.stats().api_calls == calls_before)
                    break;  // nothing was sent: the deadline came first
                r_.timing.polls = number;
                // A poll that failed after the client's own retries does not end the wait:
                // the detach is in flight either way; keep polling until the deadline.
                if (!s.error.retryable)
                    throw;
                events_.poll_failed(number, s.error.type, s.error.message);
                last_failure = s.error.message;
                consecutive = 0;
                continue;
            }
            r_.timing.polls = number;
            if (!view) {
                throw stop{make_error(error_type::instance_not_found,
                                      "instance " + where() + " disappeared while waiting for " +
                                          p_.udisk_id + " to detach")};
            }
            const bool attached = view->find_disk(p_.udisk_id) != nullptr;
            r_.observed.instance_state = view->state;
            r_.observed.attached_after = attached;
            events_.poll(number, view->state, attached, elapsed_ms());
            consecutive = attached ? 0 : consecutive + 1;
            if (consecutive >= confirming_reads)
                return;
        }
        const std::string polls = count_of(r_.timing.polls, "poll", "polls");
        std::string message;
        if (!r_.observed.attached_after) {
            message =
                p_.udisk_id + " could not be confirmed detached from " + p_.uhost_id + " within " +
                seconds_text() + " s (" +
                (r_.timing.polls == 0 ? std::string("no poll was sent") : polls + ", none usable") +
                ")";
        } else if (*r_.observed.attached_after) {
            message = p_.udisk_id + " was still attached to " + p_.uhost_id + " after waiting " +
                      seconds_text() + " s (" + polls + ")";
        } else {
            message = p_.udisk_id + " was not in the DiskSet of " + p_.uhost_id +
                      " in the last read, but no second read confirmed it within " +
                      seconds_text() + " s (" + polls + ")";
        }
        if (!last_failure.empty())
            message += "; last poll failure: " + last_failure;
        throw stop{make_error(error_type::wait_timeout, message, true)};
    }

    std::string seconds_text() const {
        std::string s = std::to_string(p_.wait_timeout_seconds);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.')
            s.pop_back();
        return s;
    }

    const detach_params& p_;
    api_client& client_;
    const actionhost::host& host_;
    progress events_;
    clock::time_point started_;
    detach_report r_;
};

}  // namespace

detach_report run_detach(const detach_params& params, api_client& client,
                         const actionhost::host& host) {
    return detach_run(params, client, host).run();
}

}  // namespace compshare::detach
