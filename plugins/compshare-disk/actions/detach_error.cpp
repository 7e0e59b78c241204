#include "detach_error.hpp"

#include <string_view>

namespace compshare::detach {
namespace {

// The failure's text without its leading "Action: " when the context already names the action,
// so that a message never says "DescribeCompShareInstance for x: DescribeCompShareInstance: ...".
std::string failure_text(const api_failure& failure, const std::string& context) {
    std::string text = failure.what();
    const std::string prefix = failure.action + ": ";
    if (!failure.action.empty() && context.find(failure.action) != std::string::npos &&
        text.compare(0, prefix.size(), prefix) == 0) {
        text.erase(0, prefix.size());
    }
    return text;
}

}  // namespace

ah_status status_for(const std::string& type) {
    if (type == error_type::invalid_parameter)
        return AH_INVALID_ARGUMENT;
    if (type == error_type::cancelled)
        return AH_CANCELLED;
    if (type == error_type::wait_timeout)
        return AH_TIMEOUT;
    return AH_ERROR;
}

std::string hint_for(const error_info& error, bool detach_sent) {
    const std::string& t = error.type;
    if (t == error_type::invalid_parameter) {
        return "Fix the parameters or the config (see `actionhost describe "
               "compshare-disk.detach`); nothing was sent.";
    }
    if (t == error_type::credentials_missing) {
        return "Set public_key/private_key in the instance config, or COMPSHARE_PUBLIC_KEY and "
               "COMPSHARE_PRIVATE_KEY, or configure a compshare-cli profile.";
    }
    if (t == error_type::auth_failed && error.tls) {
        return "The server's TLS certificate could not be verified (chain or host name); nothing "
               "was sent. Check base_url, and set ca_file to the CA bundle of a private "
               "endpoint; retrying will not help.";
    }
    if (t == error_type::auth_failed) {
        return "Check the API key pair (https://console.compshare.cn/uaccount/api_manage): the "
               "private key must belong to the public key, and the account must be allowed to "
               "call the API.";
    }
    if (t == error_type::instance_not_found) {
        return "Check UHostId and Region (and Zone, if given).";
    }
    if (t == error_type::disk_not_found) {
        return "Check UDiskId and Region: no disk with that id is listed in the region. Nothing "
               "was sent.";
    }
    if (t == error_type::disk_attached_elsewhere) {
        return "The disk is attached to the instance named in the message, not to UHostId. "
               "Pass that instance's id if it is the one to detach from. Nothing was sent.";
    }
    if (t == error_type::system_disk) {
        return "The system disk cannot be detached; pass the id of a data disk.";
    }
    if (t == error_type::instance_not_stopped) {
        return error.retryable ? "The instance is stopping; retry once it is Stopped."
                               : "Stop the instance, wait until it is Stopped, then retry.";
    }
    if (t == error_type::wait_timeout) {
        return "The detach was requested but not confirmed in time. Re-running is safe (a disk "
               "that is already detached is a no-op); raise WaitTimeoutSeconds if detaches take "
               "longer.";
    }
    if (t == error_type::cancelled) {
        return detach_sent ? "The detach request had already been sent and cannot be undone; "
                             "re-run to confirm the result."
                           : "Nothing was changed; re-run when ready.";
    }
    if (t == error_type::transient) {
        return detach_sent ? "A temporary failure after the detach request may have reached the "
                             "service; re-running is safe (unless Precheck is false, it reads the "
                             "instance first)."
                           : "A temporary failure; retrying later may succeed.";
    }
    if (error.ret_code == ret_code::service_error) {
        return "The service reported an internal error; retrying is unlikely to help. Contact "
               "Compshare support with error.request_id.";
    }
    return "See error.ret_code and error.api_message; the request_id helps Compshare support.";
}

error_info classify(const api_failure& failure, const std::string& context) {
    error_info e;
    e.message = context + ": " + failure_text(failure, context);
    e.request_id = failure.request_id;
    switch (failure.kind) {
        case failure_kind::cancelled:
            e.type = error_type::cancelled;
            break;
        case failure_kind::network:
            // A certificate that does not verify (chain or host name) does not fix itself: the
            // server could not be authenticated, so retrying is pointless. A plain-http host
            // that resolves off loopback is a config problem. Everything else may pass.
            if (failure.reason == "tls") {
                e.type = error_type::auth_failed;
                e.tls = true;
            } else if (failure.reason == "refused" || failure.reason == "not_tls" ||
                       failure.reason == "proxy_refused") {
                e.type = error_type::invalid_parameter;
            } else {
                e.type = error_type::transient;
                e.retryable = true;
            }
            break;
        case failure_kind::bad_response:
            e.type = error_type::transient;
            e.retryable = true;
            break;
        case failure_kind::http_status: {
            const int s = failure.http_status;
            if (s == 401 || s == 403) {
                e.type = error_type::auth_failed;
            } else if (s == 429 || s >= 500) {
                e.type = error_type::transient;
                e.retryable = true;
            } else {
                e.type = error_type::api_error;
            }
            break;
        }
        case failure_kind::api_error: {
            const int code = failure.ret_code;
            e.ret_code = code;
            e.api_message = failure.api_message;
            if (code >= 170 && code <= 174) {
                e.type = error_type::auth_failed;
            } else if (code == ret_code::api_timeout || code == ret_code::service_unavailable ||
                       code == ret_code::rate_limited || code == ret_code::resources_short) {
                e.type = error_type::transient;
                e.retryable = true;
            } else {
                e.type = error_type::api_error;
            }
            break;
        }
    }
    return e;
}

bool is_detach_in_progress(const api_failure& failure) {
    return failure.kind == failure_kind::api_error &&
           (failure.ret_code == ret_code::detach_in_progress ||
            failure.ret_code == ret_code::disk_detaching);
}

}  // namespace compshare::detach
