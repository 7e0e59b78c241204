// Internal to AH_PLUGIN: the opaque ah_instance of plugin_api.h as this helper implements it, and
// the type erasure that lets it hold any plugin class.
#pragma once

#include <actionhost/plugin_api.h>
#include <actionhost/cancel_signal.hpp>
#include <actionhost/host.hpp>
#include <actionhost/outcome.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace actionhost::detail {

class plugin_base {
  public:
    virtual ~plugin_base() = default;
    virtual outcome invoke(std::string_view action, std::string_view params) = 0;
};

template <class Plugin>
class plugin_holder final : public plugin_base {
  public:
    plugin_holder(const actionhost::host& h, std::string_view config) : plugin_(h, config) {}
    outcome invoke(std::string_view action, std::string_view params) override {
        return plugin_.invoke(action, params);
    }

  private:
    Plugin plugin_;
};

}  // namespace actionhost::detail

struct ah_instance {
    actionhost::cancel_signal cancel;
    actionhost::host services;
    std::unique_ptr<actionhost::detail::plugin_base> plugin;  // null when create failed
    ah_status create_status = AH_OK;
    std::string create_error;
    std::string result;      // lives until the next call, as plugin_api.h promises
    std::string last_error;  // likewise

    explicit ah_instance(const ah_host_api* api) : services(api, cancel) {}
};
