#include "plugin_instance.hpp"

#include "exit_codes.hpp"
#include "host_error.hpp"
#include "json_text.hpp"

#include <cstdint>

namespace actionhost::core {

plugin_instance::plugin_instance(std::shared_ptr<const plugin_library> library,
                                 const std::string& config_json, const ah_host_api* host)
    : library_(std::move(library)) {
    const auto& fn = library_->functions();
    ah_instance* created = nullptr;
    // Statuses are read as integers: a buggy plugin may return a value outside the enum, which
    // an ah_status must not hold in C++ (undefined behaviour).
    const auto status = static_cast<std::int32_t>(fn.create(host, config_json.c_str(), &created));
    if (status == AH_OK && created != nullptr) {
        instance_ = created;
        return;
    }
    std::string reason = "no message (the plugin returned no instance)";
    if (created != nullptr) {
        const char* text = fn.last_error(created);
        if (text != nullptr && *text != '\0')
            reason = text;
        fn.destroy(created);
    }
    const auto& m = library_->info();
    throw host_error(status == AH_INVALID_ARGUMENT ? error_type::invalid_config
                                                   : error_type::instance_create_failed,
                     "plugin \"" + m.name + "\": creating an instance failed with " +
                         status_name(status) + ": " + reason);
}

plugin_instance::~plugin_instance() {
    if (instance_ != nullptr)
        library_->functions().destroy(instance_);
}

invoke_outcome plugin_instance::invoke(const std::string& action, const std::string& params) {
    const auto& fn = library_->functions();
    const char* result = nullptr;
    size_t length = 0;
    invoke_outcome out;
    const auto status = static_cast<std::int32_t>(
        fn.invoke(instance_, action.c_str(), params.data(), params.size(), &result, &length));
    if (!is_known_status(status)) {
        // Neither the status nor the result can be trusted: the host reports the plugin's bug.
        const std::string message = "plugin \"" + library_->info().name + "\" returned " +
                                    status_name(status) + " for action \"" + action +
                                    "\"; its result is not used";
        out.status = AH_ERROR;
        out.last_error = message;
        out.result_json = error_result(error_type::internal, message);
        return out;
    }
    out.status = static_cast<ah_status>(status);
    if (result != nullptr)
        out.result_json.assign(result, length);
    if (out.status != AH_OK) {
        const char* text = fn.last_error(instance_);
        out.last_error = text != nullptr ? text : "";
        if (out.last_error.empty())
            out.last_error = "the plugin gave no error message";
    }
    // Whatever the plugin did, the host hands on exactly one JSON object.
    std::string problem =
        out.result_json.empty() ? std::string("empty") : json_object_problem(out.result_json);
    if (!problem.empty()) {
        const auto& m = library_->info();
        const std::string message = "plugin \"" + m.name + "\" returned a result for action \"" +
                                    action + "\" that is not a JSON object (" + problem +
                                    ") with " + status_name(out.status) +
                                    (out.last_error.empty() ? "" : ": " + out.last_error);
        out.status = AH_ERROR;
        out.last_error = message;
        out.result_json = error_result(error_type::internal, message);
    }
    return out;
}

void plugin_instance::cancel() const noexcept {
    library_->functions().cancel(instance_);
}

}  // namespace actionhost::core
