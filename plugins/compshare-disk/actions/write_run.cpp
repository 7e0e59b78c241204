#include "write_run.hpp"

#include "detach_error.hpp"
#include "instance_view.hpp"
#include "secret_scrub.hpp"

#include <algorithm>
#include <exception>

namespace compshare::detach {

write_run::write_run(api_client& client, const actionhost::host& host, progress events,
                     const char* verb, const char* requested, detach_report report)
    : client_(client),
      host_(host),
      events_(std::move(events)),
      r_(std::move(report)),
      verb_(verb),
      requested_(requested),
      started_(std::chrono::steady_clock::now()) {}

std::int64_t write_run::elapsed_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started_)
        .count();
}

detach_report write_run::run_steps(bool precheck_first, bool dry_run, bool wait) {
    client_.reset_stats();
    try {
        if ((precheck_first || dry_run) && !precheck()) {
            // nothing to do
        } else if (dry_run) {
            report_dry_run();
        } else {
            check_cancel([this] { return std::string("before the ") + verb_ + " request"; });
            if (write()) {
                if (wait)
                    wait_and_report();
                else
                    report_requested();
            }
        }
    } catch (const stop& s) {
        fail(s.error);
    } catch (const std::exception& e) {
        // A bug or an unexpected library failure: still one complete, valid result.
        fail(make_error("InternalError", std::string("internal error: ") + e.what()));
    }
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

void write_run::succeed(const char* status, std::string message) {
    r_.ok = true;
    r_.status = status;
    r_.message = std::move(message);
}

void write_run::fail(error_info error) {
    r_.ok = false;
    r_.message = error.message;
    if (r_.detach_sent) {
        r_.status = requested_;
    } else if (error.type == error_type::cancelled) {
        r_.status = status::cancelled;
    } else {
        r_.status = status::failed;
    }
    r_.error = std::move(error);
}

std::string write_run::sent_note() const {
    return std::string(r_.detach_sent ? "; the " : "; no ") + verb_ +
           (r_.detach_sent ? " request had already been sent" : " request was sent");
}

std::string write_run::cancelled_message(const std::string& context) const {
    return "cancelled during " + context + sent_note();
}

void write_run::accepted(int ret_code, std::string action, std::string message,
                         const std::string& request_id) {
    r_.detach_sent = true;
    r_.changed = true;
    r_.response = api_response{std::move(action), ret_code, std::move(message)};
    events_.sent(r_.resource.device, request_id, ret_code);
}

const instance_view& write_run::adopt_instance(const std::optional<instance_view>& view,
                                               const std::string& zone, const std::string& where) {
    if (!view)
        throw stop{
            make_error(error_type::instance_not_found, "instance " + where + " was not found")};
    r_.observed.instance_state = view->state;
    if (zone.empty()) {
        r_.resource.zone = view->zone;
    } else if (!view->zone.empty() && view->zone != zone) {
        throw stop{make_error(error_type::invalid_parameter,
                              "Zone " + zone + " does not match the zone of " + view->uhost_id +
                                  " (" + view->zone + ")")};
    }
    return *view;
}

wait_end write_run::wait_for(double interval_seconds, double timeout_seconds,
                             const poll_once& poll) {
    return wait_confirmed(
        {interval_seconds, timeout_seconds}, client_, host_, r_.timing.polls, poll,
        [this](int number, const error_info& e) { events_.poll_failed(number, e.type, e.message); },
        [this] { check_cancel([] { return std::string("while waiting"); }); });
}

std::optional<std::optional<inventory_disk>> write_run::ask_inventory(const std::string& region,
                                                                      const std::string& project_id,
                                                                      const std::string& udisk_id,
                                                                      std::string& unreadable) {
    const std::string inventory_action = "DescribeCompshareDisk";
    param_map base{{"Region", region}};
    if (!project_id.empty())
        base["ProjectId"] = project_id;
    try {
        return find_in_inventory(client_, base, udisk_id);
    } catch (const api_failure& f) {
        if (f.kind == failure_kind::cancelled) {
            throw stop{make_error(error_type::cancelled,
                                  cancelled_message(inventory_action + " for " + udisk_id))};
        }
        unreadable = f.what();
    } catch (const malformed_response& m) {
        unreadable = inventory_action + ": malformed reply (" + m.what() + ")";
    }
    return std::nullopt;
}

write_end write_run::send_safely(const write_plan& plan, const call_params& request) {
    const int max_resends = std::max(0, client_.settings().max_retries);
    for (int resends = 0;; ++resends) {
        try {
            auto reply = client_.call(plan.action, request, call_kind::write);
            accepted(0, reply.action.empty() ? plan.action + "Response" : std::move(reply.action),
                     "", reply.request_id);
            return write_end::accepted;
        } catch (const api_failure& f) {
            if (f.kind == failure_kind::cancelled) {
                r_.detach_sent = r_.detach_sent || f.maybe_sent;
                r_.changed = r_.changed || f.maybe_sent;
                throw stop{make_error(error_type::cancelled, cancelled_message(plan.context))};
            }
            if (plan.in_progress(f)) {
                // An earlier request of ours (or someone else's) is being carried out.
                accepted(f.ret_code, plan.action + "Response", f.api_message, f.request_id);
                return write_end::accepted;
            }
            const bool ambiguous = f.maybe_sent || (f.kind == failure_kind::api_error &&
                                                    f.ret_code == ret_code::api_timeout);
            if (!ambiguous) {
                const auto end = plan.refused(f, f.attempts > 1 || r_.detach_sent);
                if (end == write_end::took_effect) {
                    r_.detach_sent = true;
                    r_.changed = true;
                }
                return end;
            }
            r_.detach_sent = true;  // as far as anyone can tell
            r_.changed = true;
            events_.unconfirmed(f.what());
        }
        // Read before writing again.
        if (plan.took_effect())
            return write_end::took_effect;
        if (resends >= max_resends) {
            throw stop{make_error(error_type::transient,
                                  plan.context + " could not be confirmed after " +
                                      count_of(resends + 1, "send", "sends") + "; " + plan.not_yet,
                                  true)};
        }
        check_cancel([this] { return "before sending the " + std::string(verb_) + " again"; });
        events_.resend(resends + 1, max_resends);
    }
}

}  // namespace compshare::detach
