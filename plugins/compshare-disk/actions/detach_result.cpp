#include "detach_result.hpp"

#include <actionhost/json_writer.hpp>

namespace compshare::detach {
using actionhost::json_key;
using actionhost::json_writer;

namespace {

// The members' names, checked when compiled (json_key): appended without a scan.
namespace key {
constexpr json_key ok{"ok"};
constexpr json_key changed{"changed"};
constexpr json_key status{"status"};
constexpr json_key dry_run{"dry_run"};
constexpr json_key resource{"resource"};
constexpr json_key region{"region"};
constexpr json_key zone{"zone"};
constexpr json_key uhost_id{"uhost_id"};
constexpr json_key udisk_id{"udisk_id"};
constexpr json_key device{"device"};
constexpr json_key observed{"observed"};
constexpr json_key instance_state{"instance_state"};
constexpr json_key attached_before{"attached_before"};
constexpr json_key attached_after{"attached_after"};
constexpr json_key response{"response"};
constexpr json_key action{"Action"};
constexpr json_key ret_code_api{"RetCode"};
constexpr json_key message_api{"Message"};
constexpr json_key request_ids{"request_ids"};
constexpr json_key timing{"timing"};
constexpr json_key elapsed_ms{"elapsed_ms"};
constexpr json_key api_calls{"api_calls"};
constexpr json_key polls{"polls"};
constexpr json_key retries{"retries"};
constexpr json_key client_token{"client_token"};
constexpr json_key warnings{"warnings"};
constexpr json_key message{"message"};
constexpr json_key error{"error"};
constexpr json_key type{"type"};
constexpr json_key retryable{"retryable"};
constexpr json_key ret_code{"ret_code"};
constexpr json_key api_message{"api_message"};
constexpr json_key request_id{"request_id"};
constexpr json_key hint{"hint"};
}  // namespace key

}  // namespace

std::string to_json(const detach_report& r) {
    json_writer w;
    w.begin_object();
    w.member(key::ok, r.ok);
    w.member(key::changed, r.changed);
    w.member(key::status, r.status);
    w.member(key::dry_run, r.dry_run);
    w.member(r.sent_key, r.detach_sent);

    w.key(key::resource).begin_object();
    w.key(key::region).string_or_null(r.resource.region);
    w.key(key::zone).string_or_null(r.resource.zone);
    w.key(key::uhost_id).string_or_null(r.resource.uhost_id);
    w.key(key::udisk_id).string_or_null(r.resource.udisk_id);
    w.key(key::device).string_or_null(r.resource.device);
    w.end_object();

    w.key(key::observed).begin_object();
    w.member(key::instance_state, r.observed.instance_state);
    w.member(key::attached_before, r.observed.attached_before);
    w.member(key::attached_after, r.observed.attached_after);
    w.end_object();

    w.key(key::response);
    if (r.response) {
        w.begin_object();
        w.member(key::action, r.response->action);
        w.member(key::ret_code_api, r.response->ret_code);
        if (!r.response->message.empty())
            w.member(key::message_api, r.response->message);
        w.end_object();
    } else {
        w.null();
    }
    w.member(key::request_ids, r.request_ids);

    w.key(key::timing).begin_object();
    w.member(key::elapsed_ms, r.timing.elapsed_ms);
    w.member(key::api_calls, r.timing.api_calls);
    w.member(key::polls, r.timing.polls);
    w.member(key::retries, r.timing.retries);
    w.end_object();

    w.member(key::client_token, r.client_token);
    w.member(key::warnings, r.warnings);
    w.member(key::message, r.message);

    if (!r.ok && r.error)
        write_error(w, *r.error, r.hint(*r.error, r.detach_sent));
    w.end_object();
    return w.take();
}

void write_error(json_writer& w, const error_info& e, const std::string& hint) {
    w.key(key::error).begin_object();
    w.member(key::type, e.type);
    w.member(key::message, e.message);
    w.member(key::retryable, e.retryable);
    w.member(key::ret_code, e.ret_code);
    w.key(key::api_message).string_or_null(e.api_message);
    w.key(key::request_id).string_or_null(e.request_id);
    w.end_object();
    w.member(key::hint, hint);
}

actionhost::outcome make_outcome(std::string json, const error_info* error, bool ok,
                                 const std::string& fallback_message) {
    if (ok)
        return {AH_OK, std::move(json), ""};
    const std::string type = error ? error->type : error_type::api_error;
    std::string message = error ? error->message : fallback_message;
    if (message.empty())
        message = "the action failed";
    return {status_for(type), std::move(json), type + ": " + message};
}

actionhost::outcome to_outcome(const detach_report& report) {
    return make_outcome(to_json(report), report.error ? &*report.error : nullptr, report.ok,
                        report.message);
}

}  // namespace compshare::detach
