// Structured progress events sent through the host's log callback, so engines can turn them into
// heartbeats. Each is one JSON object with "event" and "message" plus a few fields; none ever
// carries a credential or a raw API response. (The client logs its own "retry" events.)
#pragma once

#include <actionhost/host.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace compshare::detach {

class progress {
  public:
    // `secret` (the private key) is scrubbed from every event: events quote server text. It is
    // borrowed (the client's key, in memory kept out of core dumps), not copied, as are the ids
    // (the action's parameters, which outlive its run). `verb` names the action's write
    // ("detach", "attach"): its events are <verb>_sent, <verb>_unconfirmed and <verb>_resend.
    progress(const actionhost::host& host, const std::string& uhost_id, const std::string& udisk_id,
             std::string_view secret, std::string verb = "detach")
        : host_(host),
          uhost_id_(uhost_id),
          udisk_id_(udisk_id),
          secret_(secret),
          verb_(std::move(verb)) {}

    void precheck(const std::string& state, bool attached, const std::string& device) const;
    // The write was accepted (ret_code 0) or is already in progress (its RetCode); `device` ""
    // when not known yet.
    void sent(const std::string& device, const std::string& request_id, int ret_code) const;
    void unconfirmed(const std::string& reason) const;
    void resend(int attempt, int max_attempts) const;
    void poll(int number, const std::string& state, bool attached, std::int64_t elapsed_ms) const;
    void poll_failed(int number, const std::string& error_type, const std::string& reason) const;
    void done(bool ok, const std::string& status, const std::string& message,
              std::int64_t elapsed_ms) const;

  private:
    std::string scrubbed(const std::string& text) const;
    // The same without a copy when `text` does not hold the secret (the usual case); else the
    // scrubbed copy, kept in `spare`.
    std::string_view scrubbed(std::string_view text, std::string& spare) const;
    std::string event_name(const char* suffix) const { return verb_ + suffix; }
    std::string api_action() const;  // "DetachCompshareDisk"

    const actionhost::host& host_;
    const std::string& uhost_id_;
    const std::string& udisk_id_;
    std::string_view secret_;
    std::string verb_;
};

}  // namespace compshare::detach
