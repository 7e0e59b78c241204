// Drives the BUILT compshare-disk plugin through its C ABI, loaded by the host's own loader, and
// records everything it says (results, log events, last errors) so tests can check it, including
// for leaked secrets. Instances are created by hand, so a failed create can be inspected.
#pragma once

#include <actionhost/plugin_api.h>

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace compshare_disk_test {

// The library built by this tree (path from the COMPSHARE_DISK_PLUGIN compile definition),
// loaded once per test process by the host's loader (version rule, every export, manifest).
const ah_plugin_table& built_plugin();

struct invocation {
    ah_status status = AH_ERROR;
    std::string json;                // the result, exactly as returned
    Poco::JSON::Object::Ptr result;  // parsed (the test fails if it is not an object)
    std::string last_error;

    std::string error_type() const;   // result.error.type, or ""
    std::string status_text() const;  // result.status, or ""
};

class plugin_instance {
  public:
    // Called for each log event with the instance, from the plugin's thread.
    using event_hook = std::function<void(plugin_instance&, const std::string& event_json)>;

    explicit plugin_instance(const std::string& config_json, event_hook hook = {});
    ~plugin_instance();
    plugin_instance(const plugin_instance&) = delete;
    plugin_instance& operator=(const plugin_instance&) = delete;

    ah_status create_status() const { return create_status_; }
    std::string create_error() const;

    invocation invoke(const std::string& params_json, const std::string& action = "detach");
    void cancel();

    const std::vector<std::string>& events() const { return events_; }
    // Events whose "event" field equals `name`.
    std::vector<Poco::JSON::Object::Ptr> events_named(const std::string& name) const;
    // Everything the plugin said through this instance: results, events, last errors.
    const std::string& transcript() const { return transcript_; }

  private:
    static void on_log(void* ctx, ah_log_level level, const char* message);

    const ah_plugin_table& lib_;
    ah_host_api host_{};
    ah_instance* instance_ = nullptr;
    ah_status create_status_ = AH_ERROR;
    event_hook hook_;
    std::vector<std::string> events_;
    std::string transcript_;
};

Poco::JSON::Object::Ptr parse_json_object(const std::string& json);

}  // namespace compshare_disk_test
