#include "progress.hpp"

#include "secret_scrub.hpp"

#include <actionhost/json_writer.hpp>

namespace compshare::detach {
using actionhost::json_writer;

std::string progress::scrubbed(const std::string& text) const {
    return scrub_secret(text, secret_);
}

namespace {

// Starts {"event":..., "message":..., "uhost_id":..., "udisk_id":... ; the caller adds fields and
// closes the object.
json_writer start(const char* event, const std::string& message, const std::string& uhost,
                  const std::string& udisk) {
    json_writer w;
    w.begin_object();
    w.member("event", event);
    w.member("message", message);
    w.member("uhost_id", uhost);
    w.member("udisk_id", udisk);
    return w;
}

std::string state_text(const std::string& state) {
    return state.empty() ? std::string("in an unknown state") : state;
}

}  // namespace

void progress::precheck(const std::string& state, bool attached, const std::string& device) const {
    if (!host_.has_log())
        return;
    const std::string message = attached ? udisk_id_ + " is attached to " + uhost_id_ + " as " +
                                               device + "; instance is " + state_text(state)
                                         : udisk_id_ + " is not attached to " + uhost_id_;
    auto w = start("precheck", scrubbed(message), uhost_id_, udisk_id_);
    w.member("instance_state", scrubbed(state)).member("attached", attached);
    w.key("device").string_or_null(device);
    host_.log(AH_LOG_INFO, w.end_object().str());
}

void progress::detach_sent(const std::string& device, const std::string& request_id,
                           int ret_code) const {
    if (!host_.has_log())
        return;
    const std::string message =
        ret_code == 0 ? "DetachCompshareDisk accepted for " + udisk_id_ + " (" + device + ")"
                      : "DetachCompshareDisk for " + udisk_id_ +
                            " is already in progress (RetCode " + std::to_string(ret_code) + ")";
    auto w = start("detach_sent", message, uhost_id_, udisk_id_);
    w.member("device", device).member("ret_code", ret_code);
    w.key("request_id").string_or_null(scrubbed(request_id));
    host_.log(AH_LOG_INFO, w.end_object().str());
}

void progress::detach_unconfirmed(const std::string& reason) const {
    if (!host_.has_log())
        return;
    auto w = start("detach_unconfirmed",
                   scrubbed("the detach request may have reached the service (" + reason +
                            "); re-reading the instance before anything else"),
                   uhost_id_, udisk_id_);
    host_.log(AH_LOG_WARNING, w.end_object().str());
}

void progress::detach_resend(int attempt, int max_attempts) const {
    if (!host_.has_log())
        return;
    // The instance read cannot tell whether a detach is in progress (a detaching disk is still
    // listed); if one is, the service answers the re-send with "in progress".
    auto w = start("detach_resend",
                   udisk_id_ + " is still attached to " + uhost_id_ +
                       " after an unconfirmed DetachCompshareDisk; sending it again (re-send " +
                       std::to_string(attempt) + " of " + std::to_string(max_attempts) + ")",
                   uhost_id_, udisk_id_);
    w.member("attempt", attempt).member("max_attempts", max_attempts);
    host_.log(AH_LOG_WARNING, w.end_object().str());
}

void progress::poll(int number, const std::string& state, bool attached,
                    std::int64_t elapsed_ms) const {
    if (!host_.has_log())
        return;
    auto w = start("poll",
                   scrubbed("poll " + std::to_string(number) + ": " + udisk_id_ +
                            (attached ? " still attached" : " not in the DiskSet") + ", instance " +
                            (state.empty() ? std::string("state unknown") : state)),
                   uhost_id_, udisk_id_);
    w.member("poll", number).member("instance_state", scrubbed(state)).member("attached", attached);
    w.member("elapsed_ms", elapsed_ms);
    host_.log(AH_LOG_INFO, w.end_object().str());
}

void progress::poll_failed(int number, const std::string& error_type,
                           const std::string& reason) const {
    if (!host_.has_log())
        return;
    auto w = start("poll_failed",
                   scrubbed("poll " + std::to_string(number) + " failed (" + reason +
                            "); polling on until the deadline"),
                   uhost_id_, udisk_id_);
    w.member("poll", number).member("error_type", error_type);
    host_.log(AH_LOG_WARNING, w.end_object().str());
}

void progress::done(bool ok, const std::string& status, const std::string& message,
                    std::int64_t elapsed_ms) const {
    if (!host_.has_log())
        return;
    auto w = start("done", scrubbed(message), uhost_id_, udisk_id_);
    w.member("ok", ok).member("status", status).member("elapsed_ms", elapsed_ms);
    host_.log(ok ? AH_LOG_INFO : AH_LOG_ERROR, w.end_object().str());
}

}  // namespace compshare::detach
