// Internal to AH_PLUGIN: what a plugin class must provide, as traits, and the static_asserts that
// name what is missing in the plugin author's terms (instead of an error deep inside a template).
#pragma once

#include <actionhost/host.hpp>
#include <actionhost/outcome.hpp>

#include <string_view>
#include <type_traits>
#include <utility>

namespace actionhost::detail {

template <class Plugin>
inline constexpr bool has_plugin_constructor_v =
    std::is_constructible_v<Plugin, const host&, std::string_view>;

template <class Plugin, class = void>
struct has_plugin_invoke : std::false_type {};
template <class Plugin>
struct has_plugin_invoke<
    Plugin, std::enable_if_t<std::is_convertible_v<decltype(std::declval<Plugin&>().invoke(
                                                       std::declval<std::string_view>(),
                                                       std::declval<std::string_view>())),
                                                   outcome>>> : std::true_type {};
template <class Plugin>
inline constexpr bool has_plugin_invoke_v = has_plugin_invoke<Plugin>::value;

template <class Plugin>
inline constexpr bool is_plugin_v = has_plugin_constructor_v<Plugin>&& has_plugin_invoke_v<Plugin>&&
    std::is_nothrow_destructible_v<Plugin>;

}  // namespace actionhost::detail

// clang-format off
#define AH_DETAIL_CHECK_PLUGIN(PluginClass)                                                        \
    static_assert(actionhost::detail::has_plugin_constructor_v<PluginClass>,                       \
                  "AH_PLUGIN(" #PluginClass "): " #PluginClass " needs a public constructor "      \
                  #PluginClass "(const actionhost::host& host, std::string_view config_json)");    \
    static_assert(actionhost::detail::has_plugin_invoke_v<PluginClass>,                            \
                  "AH_PLUGIN(" #PluginClass "): " #PluginClass " needs a public member "           \
                  "actionhost::outcome invoke(std::string_view action, "                           \
                  "std::string_view params_json)");                                                \
    static_assert(std::is_nothrow_destructible_v<PluginClass>,                                     \
                  "AH_PLUGIN(" #PluginClass "): the destructor of " #PluginClass                   \
                  " must be public and must not throw")
// clang-format on
