#include "plugin_harness.hpp"

#include "plugin_library.hpp"

#include <Poco/JSON/Parser.h>

#include <stdexcept>

#ifndef COMPSHARE_DISK_PLUGIN
#error "COMPSHARE_DISK_PLUGIN must name the built plugin library"
#endif

namespace compshare_disk_test {

const ah_plugin_table& built_plugin() {
    static const auto library = actionhost::core::plugin_library::open(COMPSHARE_DISK_PLUGIN);
    return library->functions();
}

Poco::JSON::Object::Ptr parse_json_object(const std::string& json) {
    Poco::JSON::Parser parser;
    const auto value = parser.parse(json);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw std::runtime_error("not a JSON object: " + json);
    }
    return value.extract<Poco::JSON::Object::Ptr>();
}

std::string invocation::error_type() const {
    if (!result)
        return {};
    const auto error = result->getObject("error");
    return error ? error->optValue<std::string>("type", "") : std::string();
}

std::string invocation::status_text() const {
    return result ? result->optValue<std::string>("status", "") : std::string();
}

plugin_instance::plugin_instance(const std::string& config_json, event_hook hook)
    : lib_(built_plugin()), hook_(std::move(hook)) {
    host_.struct_size = sizeof host_;
    host_.api_version = AH_PLUGIN_API_VERSION;
    host_.host_ctx = this;
    host_.log = &plugin_instance::on_log;
    create_status_ = lib_.create(&host_, config_json.c_str(), &instance_);
    if (create_status_ != AH_OK)
        transcript_ += create_error() + "\n";
}

plugin_instance::~plugin_instance() {
    lib_.destroy(instance_);
}

std::string plugin_instance::create_error() const {
    return instance_ != nullptr ? lib_.last_error(instance_) : "";
}

void plugin_instance::on_log(void* ctx, ah_log_level, const char* message) {
    auto* self = static_cast<plugin_instance*>(ctx);
    self->events_.emplace_back(message);
    self->transcript_ += message;
    self->transcript_ += '\n';
    if (self->hook_)
        self->hook_(*self, message);
}

invocation plugin_instance::invoke(const std::string& params_json, const std::string& action) {
    invocation out;
    const char* result = nullptr;
    size_t length = 0;
    out.status = lib_.invoke(instance_, action.c_str(), params_json.data(), params_json.size(),
                             &result, &length);
    if (result != nullptr)
        out.json.assign(result, length);
    out.last_error = lib_.last_error(instance_);
    transcript_ += out.json + "\n" + out.last_error + "\n";
    out.result = parse_json_object(out.json);
    return out;
}

void plugin_instance::cancel() {
    lib_.cancel(instance_);
}

std::vector<Poco::JSON::Object::Ptr> plugin_instance::events_named(const std::string& name) const {
    std::vector<Poco::JSON::Object::Ptr> found;
    for (const auto& json : events_) {
        auto event = parse_json_object(json);
        if (event->optValue<std::string>("event", "") == name)
            found.push_back(event);
    }
    return found;
}

}  // namespace compshare_disk_test
