#include "status_result.hpp"

#include "attach_error.hpp"
#include "detach_params.hpp"
#include "detach_result.hpp"

#include <actionhost/json_writer.hpp>

namespace compshare::detach {
using actionhost::json_writer;

namespace {

// A Drive as a device, or null when it does not pass the Device rule (never quoted unchecked).
void write_device(json_writer& w, const std::string& drive) {
    w.key("device");
    if (is_valid_device(drive))
        w.value(drive);
    else
        w.null();
}

void write_disks(json_writer& w, const instance_view& view) {
    w.key("disks").begin_array();
    for (const auto& d : view.disks) {
        w.begin_object();
        w.member("udisk_id", d.id);
        write_device(w, d.drive);
        w.member("boot", d.is_boot);
        w.key("type").string_or_null(d.type);
        w.member("size_gb", d.size_gb);
        w.end_object();
    }
    w.end_array();
}

// The asked-for disk: attached here or not, and where.
void write_disk(json_writer& w, const status_report& r) {
    w.key("disk");
    if (r.resource.udisk_id.empty() || !r.instance) {
        w.null();
        return;
    }
    const disk_view* disk = r.instance->find_disk(r.resource.udisk_id);
    w.begin_object();
    w.member("udisk_id", r.resource.udisk_id);
    w.member("attached", disk != nullptr);
    if (disk != nullptr) {
        write_device(w, disk->drive);
    } else {
        w.key("device").null();
    }
    w.end_object();
}

}  // namespace

std::string to_json(const status_report& r) {
    json_writer w;
    w.begin_object();
    w.member("ok", r.ok);
    w.member("changed", false);  // it only reads
    w.member("status", r.status);

    w.key("resource").begin_object();
    w.key("region").string_or_null(r.resource.region);
    w.key("zone").string_or_null(r.resource.zone);
    w.key("uhost_id").string_or_null(r.resource.uhost_id);
    w.key("udisk_id").string_or_null(r.resource.udisk_id);
    w.end_object();

    w.key("instance");
    if (r.instance) {
        w.begin_object();
        w.member("uhost_id", r.instance->uhost_id);
        w.key("zone").string_or_null(r.instance->zone);
        w.member("state", r.instance->state);
        w.end_object();
        write_disks(w, *r.instance);
    } else {
        w.null();
        w.key("disks").begin_array().end_array();
    }
    write_disk(w, r);

    w.member("request_ids", r.request_ids);
    w.key("timing").begin_object();
    w.member("elapsed_ms", r.timing.elapsed_ms);
    w.member("api_calls", r.timing.api_calls);
    w.member("retries", r.timing.retries);
    w.end_object();
    w.member("warnings", r.warnings);
    w.member("message", r.message);
    if (!r.ok && r.error)
        write_error(w, *r.error, status_hint_for(*r.error));
    w.end_object();
    return w.take();
}

actionhost::outcome to_outcome(const status_report& report) {
    return make_outcome(to_json(report), report.error ? &*report.error : nullptr, report.ok,
                        report.message);
}

}  // namespace compshare::detach
