#include "status_action.hpp"

#include "action_support.hpp"
#include "detach_params.hpp"
#include "instance_reader.hpp"
#include "secret_scrub.hpp"

#include <actionhost/json_writer.hpp>

#include <chrono>
#include <exception>

namespace compshare::detach {
namespace {

using clock = std::chrono::steady_clock;

// The disk of `r` on the instance, for the message.
std::string disk_note(const status_report& r) {
    if (r.resource.udisk_id.empty())
        return "";
    const disk_view* disk = r.instance->find_disk(r.resource.udisk_id);
    if (disk == nullptr)
        return "; " + r.resource.udisk_id + " is not attached to it";
    return "; " + r.resource.udisk_id + " is attached to it" +
           (is_valid_device(disk->drive) ? " as " + disk->drive : " (no device reported)");
}

}  // namespace

status_report status_report_for(const status_params& params) {
    status_report r;
    r.resource = {params.region, params.zone, params.uhost_id, params.udisk_id};
    return r;
}

status_report run_status(const status_params& params, api_client& client,
                         const actionhost::host& host) {
    const auto started = clock::now();
    status_report r = status_report_for(params);
    client.reset_stats();
    const std::string context = std::string(describe_action) + " for " + params.uhost_id;
    try {
        auto view = read_instance(
            client, {params.region, params.zone, params.uhost_id, params.project_id}, context,
            [](const std::string& c) { return "cancelled during " + c + "; nothing is written"; });
        if (!view) {
            throw stop{make_error(error_type::instance_not_found,
                                  "instance " + params.uhost_id + " in region " + params.region +
                                      (params.zone.empty() ? "" : " zone " + params.zone) +
                                      " was not found")};
        }
        r.instance = std::move(view);
        if (r.resource.zone.empty())
            r.resource.zone = r.instance->zone;
        r.ok = true;
        r.status = "read";
        r.message = params.uhost_id + " is " + describe_state(r.instance->state) + " with " +
                    count_of(static_cast<int>(r.instance->disks.size()), "disk", "disks") +
                    disk_note(r);
    } catch (const stop& s) {
        r.error = s.error;
    } catch (const std::exception& e) {
        r.error = make_error("InternalError", std::string("internal error: ") + e.what());
    }
    if (r.error) {
        r.status = r.error->type == error_type::cancelled ? "cancelled" : "failed";
        r.message = r.error->message;
    }
    const auto& stats = client.stats();
    r.timing.elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started).count();
    r.timing.api_calls = stats.api_calls;
    r.timing.retries = stats.retries;
    r.request_ids = stats.request_ids;
    scrub_report(r, client.settings().private_key.view());
    if (host.has_log()) {
        // The one progress event of a read: done.
        actionhost::json_writer w;
        w.begin_object().member("event", "done").member("message", r.message);
        w.member("uhost_id", params.uhost_id).member("ok", r.ok).member("status", r.status);
        w.member("elapsed_ms", r.timing.elapsed_ms).end_object();
        host.log(r.ok ? AH_LOG_INFO : AH_LOG_ERROR, w.str());
    }
    return r;
}

}  // namespace compshare::detach
