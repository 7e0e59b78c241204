#include "detach_result.hpp"

#include <actionhost/json_writer.hpp>

namespace compshare::detach {
using actionhost::json_writer;

std::string to_json(const detach_report& r) {
    json_writer w;
    w.begin_object();
    w.member("ok", r.ok);
    w.member("changed", r.changed);
    w.member("status", r.status);
    w.member("dry_run", r.dry_run);
    w.member(r.sent_key, r.detach_sent);

    w.key("resource").begin_object();
    w.key("region").string_or_null(r.resource.region);
    w.key("zone").string_or_null(r.resource.zone);
    w.key("uhost_id").string_or_null(r.resource.uhost_id);
    w.key("udisk_id").string_or_null(r.resource.udisk_id);
    w.key("device").string_or_null(r.resource.device);
    w.end_object();

    w.key("observed").begin_object();
    w.member("instance_state", r.observed.instance_state);
    w.member("attached_before", r.observed.attached_before);
    w.member("attached_after", r.observed.attached_after);
    w.end_object();

    w.key("response");
    if (r.response) {
        w.begin_object();
        w.member("Action", r.response->action);
        w.member("RetCode", r.response->ret_code);
        if (!r.response->message.empty())
            w.member("Message", r.response->message);
        w.end_object();
    } else {
        w.null();
    }
    w.member("request_ids", r.request_ids);

    w.key("timing").begin_object();
    w.member("elapsed_ms", r.timing.elapsed_ms);
    w.member("api_calls", r.timing.api_calls);
    w.member("polls", r.timing.polls);
    w.member("retries", r.timing.retries);
    w.end_object();

    w.member("client_token", r.client_token);
    w.member("warnings", r.warnings);
    w.member("message", r.message);

    if (!r.ok && r.error)
        write_error(w, *r.error, r.hint(*r.error, r.detach_sent));
    w.end_object();
    return w.take();
}

void write_error(json_writer& w, const error_info& e, const std::string& hint) {
    w.key("error").begin_object();
    w.member("type", e.type);
    w.member("message", e.message);
    w.member("retryable", e.retryable);
    w.member("ret_code", e.ret_code);
    w.key("api_message").string_or_null(e.api_message);
    w.key("request_id").string_or_null(e.request_id);
    w.end_object();
    w.member("hint", hint);
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
