// Internal to AH_PLUGIN: the bodies of the ah_plugin_* exports. They check their arguments, catch
// every exception (construction included), keep the result and the last error alive until the
// next call on the instance, and consume each cancel once an invocation has seen it.
#pragma once

#include <actionhost/plugin_api.h>
#include <actionhost/detail/instance.hpp>
#include <actionhost/detail/plugin_checks.hpp>
#include <actionhost/json_writer.hpp>
#include <actionhost/outcome.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace actionhost {

// The embedded manifest (NUL-terminated), generated at build time from the manifest file by
// actionhost_add_plugin().
namespace embedded {
extern const char manifest[];
}

namespace detail {

inline const char* const null_instance_message =
    "the instance is NULL (ah_plugin_create could not allocate one)";

// Records a failure on the instance and returns its status.
inline ah_status fail(ah_instance* inst, const outcome& out, const char** result_json,
                      std::size_t* result_len) {
    inst->result = out.result_json;
    inst->last_error = out.message.empty() ? "the action failed without a message" : out.message;
    *result_json = inst->result.c_str();
    *result_len = inst->result.size();
    return out.status;
}

template <class Plugin>
std::unique_ptr<plugin_base> make_plugin(const actionhost::host& services,
                                         std::string_view config) {
    // An invalid class already failed AH_PLUGIN's static_asserts: add no errors of our own.
    if constexpr (is_plugin_v<Plugin>)
        return std::make_unique<plugin_holder<Plugin>>(services, config);
    else
        return nullptr;
}

template <class Plugin>
ah_status create(const ah_host_api* api, const char* config_json, ah_instance** out) noexcept {
    if (out == nullptr)
        return AH_INVALID_ARGUMENT;
    *out = nullptr;
    ah_instance* inst = nullptr;
    try {
        auto owned = std::make_unique<ah_instance>(api);
        inst = owned.get();
        *out = owned.release();
    } catch (const std::exception&) {
        return AH_ERROR;  // no memory or no event fd: nothing to report through
    }
    try {
        const std::string_view config = config_json != nullptr ? config_json : "{}";
        inst->plugin = make_plugin<Plugin>(inst->services, config);
        return AH_OK;
    } catch (const plugin_error& e) {
        inst->create_status = e.status() == AH_OK ? AH_ERROR : e.status();
        inst->create_error = e.what();
    } catch (const std::exception& e) {
        inst->create_status = AH_ERROR;
        inst->create_error = std::string("cannot create the instance: ") + e.what();
    } catch (...) {
        inst->create_status = AH_ERROR;
        inst->create_error = "cannot create the instance: unknown exception";
    }
    try {
        inst->last_error = inst->create_error;
    } catch (...) {
    }
    return inst->create_status;
}

inline void destroy(ah_instance* inst) noexcept {
    std::unique_ptr<ah_instance> owned(inst);
}

inline ah_status invoke(ah_instance* inst, const char* action, const char* params,
                        std::size_t params_len, const char** result_json,
                        std::size_t* result_len) noexcept {
    if (inst == nullptr)
        return AH_INVALID_ARGUMENT;
    try {
        if (result_json == nullptr || result_len == nullptr) {
            inst->last_error = "result_json and result_len must not be NULL";
            return AH_INVALID_ARGUMENT;
        }
        *result_json = nullptr;
        *result_len = 0;
        if (!inst->plugin) {
            return fail(inst,
                        outcome::failure(AH_ERROR, "InstanceUnusable",
                                         "the instance failed to create: " + inst->create_error),
                        result_json, result_len);
        }
        if (action == nullptr) {
            return fail(inst,
                        outcome::failure(AH_INVALID_ARGUMENT, "InvalidParameter",
                                         "the action name is NULL"),
                        result_json, result_len);
        }
        if (params == nullptr) {
            return fail(
                inst,
                outcome::failure(AH_INVALID_ARGUMENT, "InvalidParameter", "params_json is NULL"),
                result_json, result_len);
        }
        if (inst->cancel.requested()) {
            inst->cancel.consume();
            return fail(inst,
                        outcome::failure(AH_CANCELLED, "Cancelled",
                                         "cancelled before the action started; nothing was done"),
                        result_json, result_len);
        }
        outcome out = inst->plugin->invoke(action, std::string_view(params, params_len));
        inst->cancel.consume();
        if (out.result_json.empty()) {
            out =
                outcome::failure(AH_ERROR, "InternalError",
                                 "the plugin returned no result for action " + json_quote(action));
        }
        if (out.status != AH_OK)
            return fail(inst, out, result_json, result_len);
        inst->result = std::move(out.result_json);
        inst->last_error.clear();
        *result_json = inst->result.c_str();
        *result_len = inst->result.size();
        return AH_OK;
    } catch (const std::exception& e) {
        inst->cancel.consume();
        try {
            return fail(inst,
                        outcome::failure(AH_ERROR, "InternalError",
                                         std::string("the action threw: ") + e.what()),
                        result_json, result_len);
        } catch (...) {
        }
    } catch (...) {
        inst->cancel.consume();
        try {
            return fail(inst,
                        outcome::failure(AH_ERROR, "InternalError",
                                         "the action threw an unknown exception"),
                        result_json, result_len);
        } catch (...) {
        }
    }
    // Out of memory while reporting: a static, valid result.
    static const char oom[] =
        "{\"ok\":false,\"error\":{\"type\":\"InternalError\",\"message\":\"out of "
        "memory\",\"retryable\":true}}";
    inst->last_error.clear();
    *result_json = oom;
    *result_len = sizeof oom - 1;
    return AH_ERROR;
}

inline const char* last_error(const ah_instance* inst) noexcept {
    return inst == nullptr ? null_instance_message : inst->last_error.c_str();
}

inline void cancel(ah_instance* inst) noexcept {
    if (inst != nullptr)
        inst->cancel.request();
}

}  // namespace detail
}  // namespace actionhost

// ah_plugin_cancel, unless a test plugin asked to go without it (see plugin.hpp).
#ifdef AH_PLUGIN_TEST_WITHOUT_CANCEL
#define AH_DETAIL_EXPORT_CANCEL
#else
#define AH_DETAIL_EXPORT_CANCEL                              \
    AH_EXPORT void ah_plugin_cancel(ah_instance* instance) { \
        actionhost::detail::cancel(instance);                \
    }
#endif

#define AH_DETAIL_EXPORTS(PluginClass, ApiVersion)                                                \
    AH_DETAIL_CHECK_PLUGIN(PluginClass);                                                          \
    extern "C" {                                                                                  \
    AH_EXPORT const char* ah_plugin_api_version(void) {                                           \
        return ApiVersion;                                                                        \
    }                                                                                             \
    AH_EXPORT const char* ah_plugin_manifest(void) {                                              \
        return actionhost::embedded::manifest;                                                    \
    }                                                                                             \
    AH_EXPORT ah_status ah_plugin_create(const ah_host_api* host, const char* config_json,        \
                                         ah_instance** out) {                                     \
        return actionhost::detail::create<PluginClass>(host, config_json, out);                   \
    }                                                                                             \
    AH_EXPORT void ah_plugin_destroy(ah_instance* instance) {                                     \
        actionhost::detail::destroy(instance);                                                    \
    }                                                                                             \
    AH_EXPORT ah_status ah_plugin_invoke(ah_instance* instance, const char* action,               \
                                         const char* params_json, size_t params_len,              \
                                         const char** result_json, size_t* result_len) {          \
        return actionhost::detail::invoke(instance, action, params_json, params_len, result_json, \
                                          result_len);                                            \
    }                                                                                             \
    AH_EXPORT const char* ah_plugin_last_error(const ah_instance* instance) {                     \
        return actionhost::detail::last_error(instance);                                          \
    }                                                                                             \
    AH_DETAIL_EXPORT_CANCEL                                                                       \
    }
