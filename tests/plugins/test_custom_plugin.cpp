// A minimal plugin that claims the API version TEST_API_VERSION (AH_PLUGIN_WITH_API_VERSION) and,
// when built with AH_PLUGIN_TEST_WITHOUT_CANCEL, leaves out the required ah_plugin_cancel.
// It backs the broken test plugins the host must refuse, and test-misbehaving
// (slow to honour a cancel; a result that is not JSON).
#include <actionhost/plugin.hpp>

#include <chrono>
#include <cstdlib>
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

#ifdef TEST_CRASH_ON_LOAD
// Loading this library kills the process that loads it, as a corrupt or hostile library can:
// what `actionhost check` must survive.
__attribute__((constructor)) void crash_on_load() {
    std::abort();
}
#endif

}  // namespace

AH_PLUGIN_WITH_API_VERSION(minimal_plugin, TEST_API_VERSION)
