// RAII over ah_plugin_create / ah_plugin_destroy, keeping the library loaded while it lives.
#pragma once

#include "plugin_library.hpp"

#include <actionhost/plugin_api.h>

#include <memory>
#include <string>

namespace actionhost::core {

// A copy of what one ah_plugin_invoke returned.
struct invoke_outcome {
    ah_status status = AH_OK;
    std::string result_json;  // the plugin's result (or the host's, if the plugin gave none)
    std::string last_error;   // ah_plugin_last_error() for a non-OK status
};

class plugin_instance {
  public:
    // Creates an instance with the config JSON and the host services (borrowed for the call;
    // `host` may be null). A failed create throws host_error (InvalidConfig for
    // AH_INVALID_ARGUMENT, otherwise InstanceCreateFailed) carrying the plugin's last_error,
    // read from the instance it returned before destroying it.
    plugin_instance(std::shared_ptr<const plugin_library> library, const std::string& config_json,
                    const ah_host_api* host);
    ~plugin_instance();
    plugin_instance(const plugin_instance&) = delete;
    plugin_instance& operator=(const plugin_instance&) = delete;

    // Runs one action (calls on one instance must not overlap).
    invoke_outcome invoke(const std::string& action, const std::string& params_json);

    // Any thread, any time while the instance lives.
    void cancel() const noexcept;

    const plugin_library& library() const { return *library_; }

  private:
    std::shared_ptr<const plugin_library> library_;  // destroyed after the instance (see dtor)
    ah_instance* instance_ = nullptr;
};

}  // namespace actionhost::core
