// A minimal plugin whose exports are written by hand (not with AH_PLUGIN), so a build can claim
// another API version (TEST_API_VERSION) or leave out a required export (TEST_OMIT_CANCEL).
// It backs the broken test plugins the host must refuse, and test-misbehaving
// (slow to honour a cancel; a result that is not JSON).
#include <actionhost/plugin.hpp>

#include <chrono>
#include <string>
#include <thread>

#ifndef TEST_API_VERSION
#error "TEST_API_VERSION must be defined"
#endif

namespace {

class minimal_plugin {
  public:
    minimal_plugin(const actionhost::host& host, std::string_view) : host_(host) {}
    actionhost::outcome invoke(std::string_view action, std::string_view) {
        if (action == "noop")
            return {AH_OK, R"({"ok":true})", ""};
        if (action == "slow_cancel") {
            // Honours a cancel only slowly, so a host's "second signal exits at once" shows.
            host_.log(AH_LOG_INFO, "blocking", "waiting until cancelled");
            host_.cancellation().sleep_for(std::chrono::hours(1));
            host_.log(AH_LOG_INFO, "cancel_seen", "cancelled; returning in 30 s");
            std::this_thread::sleep_for(std::chrono::seconds(30));
            return actionhost::outcome::failure(AH_CANCELLED, "Cancelled", "cancelled, slowly");
        }
        if (action == "bad_result")
            return {AH_OK, "{\"ok\": true, oops", ""};
        return actionhost::outcome::unknown_action(action);
    }

  private:
    const actionhost::host& host_;
};

}  // namespace

extern "C" {
AH_EXPORT const char* ah_plugin_api_version(void) {
    return TEST_API_VERSION;
}
AH_EXPORT const char* ah_plugin_manifest(void) {
    return actionhost::embedded::manifest;
}
AH_EXPORT ah_status ah_plugin_create(const ah_host_api* host, const char* config_json,
                                     ah_instance** out) {
    return actionhost::detail::create<minimal_plugin>(host, config_json, out);
}
AH_EXPORT void ah_plugin_destroy(ah_instance* instance) {
    std::unique_ptr<ah_instance> owned(instance);
}
AH_EXPORT ah_status ah_plugin_invoke(ah_instance* instance, const char* action,
                                     const char* params_json, size_t params_len,
                                     const char** result_json, size_t* result_len) {
    return actionhost::detail::invoke(instance, action, params_json, params_len, result_json,
                                      result_len);
}
AH_EXPORT const char* ah_plugin_last_error(const ah_instance* instance) {
    return actionhost::detail::last_error(instance);
}
#ifndef TEST_OMIT_CANCEL
AH_EXPORT void ah_plugin_cancel(ah_instance* instance) {
    if (instance != nullptr)
        instance->cancel.request();
}
#endif
}
