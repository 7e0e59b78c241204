// Writing an actionhost plugin in C++17: write a class, add one macro.
//
//     #include <actionhost/plugin.hpp>
//
//     class my_plugin {
//       public:
//         // Throw actionhost::plugin_error to refuse the config (other exceptions: AH_ERROR).
//         my_plugin(const actionhost::host& host, std::string_view config_json);
//         // Runs one action. A failed action returns outcome::failure(...); an exception becomes
//         // an InternalError result.
//         actionhost::outcome invoke(std::string_view action, std::string_view params_json);
//     };
//     AH_PLUGIN(my_plugin)
//
// What the class gets and gives:
// - actionhost::host (host.hpp): the host's log callback, and cancellation(), the instance's
//   actionhost::cancel_signal (cancel_signal.hpp). Wait with cancellation().sleep_for(), check
//   requested() between steps, hold a cancel_signal::socket_guard around blocking socket I/O.
//   The host reference stays valid as long as the instance.
// - actionhost::outcome and actionhost::plugin_error (outcome.hpp).
// - Calls on one instance never overlap; distinct instances may run on different threads, so the
//   class keeps no mutable global state.
//
// AH_PLUGIN(T) checks T at compile time (a static_assert names a missing constructor or invoke)
// and generates the seven ah_plugin_* exports of plugin_api.h: they check their arguments, catch
// every exception, keep results alive as the ABI requires and implement cancellation. Use it once,
// at namespace scope, in one source file. The manifest it exports is the one
// actionhost_add_plugin() embeds from the plugin's manifest file.
#pragma once

#include <actionhost/plugin_api.h>
#include <actionhost/cancel_signal.hpp>
#include <actionhost/host.hpp>
#include <actionhost/outcome.hpp>

#include <actionhost/detail/exports.hpp>

// Generates the ah_plugin_* exports for PluginClass.
#define AH_PLUGIN(PluginClass) AH_DETAIL_EXPORTS(PluginClass, AH_PLUGIN_API_VERSION)

// For tests of hosts only, never for a real plugin: like AH_PLUGIN, but ah_plugin_api_version()
// claims ApiVersion (a string literal such as "2.0.0"), so a test can show how a host treats a
// plugin built against another API version. Defining AH_PLUGIN_TEST_WITHOUT_CANCEL before
// including this header leaves out the required ah_plugin_cancel export, for a plugin every host
// must refuse.
#define AH_PLUGIN_WITH_API_VERSION(PluginClass, ApiVersion) \
    AH_DETAIL_EXPORTS(PluginClass, ApiVersion)
