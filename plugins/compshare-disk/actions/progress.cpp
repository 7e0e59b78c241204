#include "progress.hpp"

#include "action_support.hpp"
#include "secret_scrub.hpp"

#include <actionhost/json_writer.hpp>

#include <cctype>

namespace compshare::detach {
using actionhost::json_key;
using actionhost::json_writer;

std::string progress::scrubbed(const std::string& text) const {
    return scrub_secret(text, secret_);
}

std::string_view progress::scrubbed(std::string_view text, std::string& spare) const {
    if (!holds_secret(text, secret_))
        return text;  // the usual case: nothing to copy
    spare = scrub_secret(std::string(text), secret_);
    return spare;
}

namespace {

// The members' names, checked when compiled (json_key): appended without a scan.
namespace key {
constexpr json_key event{"event"};
constexpr json_key message{"message"};
constexpr json_key uhost_id{"uhost_id"};
constexpr json_key udisk_id{"udisk_id"};
constexpr json_key device{"device"};
constexpr json_key ret_code{"ret_code"};
constexpr json_key request_id{"request_id"};
constexpr json_key ok{"ok"};
constexpr json_key status{"status"};
constexpr json_key elapsed_ms{"elapsed_ms"};
constexpr json_key instance_state{"instance_state"};
constexpr json_key attached{"attached"};
constexpr json_key attempt{"attempt"};
constexpr json_key max_attempts{"max_attempts"};
constexpr json_key poll{"poll"};
constexpr json_key error_type{"error_type"};
}  // namespace key

// Starts {"event":..., "message":..., "uhost_id":..., "udisk_id":... ; the caller adds fields and
// closes the object.
json_writer start(std::string_view event, std::string_view message, const std::string& uhost,
                  const std::string& udisk) {
    json_writer w;
    w.begin_object();
    w.member(key::event, event);
    w.member(key::message, message);
    w.member(key::uhost_id, uhost);
    w.member(key::udisk_id, udisk);
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
    w.member(key::instance_state, scrubbed(state)).member(key::attached, attached);
    w.key(key::device).string_or_null(device);
    host_.log(AH_LOG_INFO, w.end_object().str());
}

std::string progress::api_action() const {
    std::string name = concat({verb_, "CompshareDisk"});  // never empty
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
}

void progress::sent(const std::string& device, const std::string& request_id, int ret_code) const {
    if (!host_.has_log())
        return;
    const std::string action = api_action();
    const bool on = !device.empty();
    const std::string message =
        ret_code == 0
            ? concat({action, " accepted for ", udisk_id_, on ? " (" : "", device, on ? ")" : ""})
            : concat({action, " for ", udisk_id_, " is already in progress (RetCode ",
                      std::to_string(ret_code), ")"});
    auto w = start(event_name("_sent"), message, uhost_id_, udisk_id_);
    w.key(key::device).string_or_null(device);
    w.member(key::ret_code, ret_code);
    std::string spare;
    w.key(key::request_id).string_or_null(scrubbed(request_id, spare));
    host_.log(AH_LOG_INFO, w.end_object().str());
}

void progress::unconfirmed(const std::string& reason) const {
    if (!host_.has_log())
        return;
    auto w = start(event_name("_unconfirmed"),
                   scrubbed("the " + verb_ + " request may have reached the service (" + reason +
                            "); re-reading the instance before anything else"),
                   uhost_id_, udisk_id_);
    host_.log(AH_LOG_WARNING, w.end_object().str());
}

void progress::resend(int attempt, int max_attempts) const {
    if (!host_.has_log())
        return;
    // The instance read cannot tell whether the write is in progress (a detaching disk is still
    // listed, an attaching one may not be yet); if one is, the service answers the re-send with
    // "in progress".
    const std::string observed =
        verb_ == "detach" ? " is still attached to " : " is not attached to ";
    auto w = start(event_name("_resend"),
                   udisk_id_ + observed + uhost_id_ + " after an unconfirmed " + api_action() +
                       "; sending it again (re-send " + std::to_string(attempt) + " of " +
                       std::to_string(max_attempts) + ")",
                   uhost_id_, udisk_id_);
    w.member(key::attempt, attempt).member(key::max_attempts, max_attempts);
    host_.log(AH_LOG_WARNING, w.end_object().str());
}

void progress::poll(int number, const std::string& state, bool attached,
                    std::int64_t elapsed_ms) const {
    if (!host_.has_log())
        return;
    auto w = start(
        "poll",
        scrubbed("poll " + std::to_string(number) + ": " + udisk_id_ +
                 (attached ? (verb_ == "detach" ? " still attached" : " attached")
                           : (verb_ == "detach" ? " not in the DiskSet" : " not attached yet")) +
                 ", instance " + (state.empty() ? std::string("state unknown") : state)),
        uhost_id_, udisk_id_);
    w.member(key::poll, number)
        .member(key::instance_state, scrubbed(state))
        .member(key::attached, attached);
    w.member(key::elapsed_ms, elapsed_ms);
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
    w.member(key::poll, number).member(key::error_type, error_type);
    host_.log(AH_LOG_WARNING, w.end_object().str());
}

void progress::done(bool ok, const std::string& status, const std::string& message,
                    std::int64_t elapsed_ms) const {
    if (!host_.has_log())
        return;
    std::string spare;
    auto w = start("done", scrubbed(message, spare), uhost_id_, udisk_id_);
    w.member(key::ok, ok).member(key::status, status).member(key::elapsed_ms, elapsed_ms);
    host_.log(ok ? AH_LOG_INFO : AH_LOG_ERROR, w.end_object().str());
}

}  // namespace compshare::detach
