#include "attach_error.hpp"

#include <array>
#include <string_view>

namespace compshare::detach {

bool is_transitional_state(const std::string& state) {
    static constexpr std::array<std::string_view, 7> transitional = {
        "Initializing", "Pending", "Starting", "Stopping", "Rebooting", "Reinstalling", "Resizing"};
    for (auto s : transitional) {
        if (state == s)
            return true;
    }
    return false;
}

bool is_attach_in_progress(const api_failure& failure) {
    return failure.kind == failure_kind::api_error &&
           (failure.ret_code == ret_code::attach_in_progress ||
            failure.ret_code == ret_code::disk_attaching);
}

std::string attach_hint_for(const error_info& error, bool attach_sent) {
    const std::string& t = error.type;
    if (t == error_type::invalid_parameter) {
        return "Fix the parameters or the config (see `actionhost describe "
               "compshare-disk.attach`); nothing was sent.";
    }
    if (t == error_type::disk_attached_elsewhere) {
        return error.retryable
                   ? "The disk is still detaching from the instance named in the message; retry "
                     "once it is free."
                   : "The disk is attached to the instance named in the message: detach it there "
                     "first (compshare-disk.detach), then attach it here. Nothing was sent.";
    }
    if (t == error_type::instance_not_ready) {
        return error.retryable ? "The instance is changing state; retry once it is Running or "
                                 "Stopped."
                               : "The instance must be Running or Stopped to take a disk.";
    }
    if (t == error_type::wait_timeout) {
        return "The attach was requested but not confirmed in time. Re-running is safe (a disk "
               "already attached to this instance is a no-op); raise WaitTimeoutSeconds if "
               "attaches take longer.";
    }
    if (t == error_type::cancelled) {
        return attach_sent ? "The attach request had already been sent; re-run to confirm the "
                             "result (an attached disk is a no-op)."
                           : "Nothing was changed; re-run when ready.";
    }
    if (t == error_type::transient && attach_sent) {
        return "A temporary failure after the attach request may have reached the service; "
               "re-running is safe (unless Precheck is false, it reads the instance first).";
    }
    return hint_for(error, false);
}

std::string status_hint_for(const error_info& error) {
    if (error.type == error_type::invalid_parameter) {
        return "Fix the parameters or the config (see `actionhost describe "
               "compshare-disk.status`).";
    }
    if (error.type == error_type::cancelled)
        return "Nothing was changed (status only reads); re-run when ready.";
    return hint_for(error, false);
}

}  // namespace compshare::detach
