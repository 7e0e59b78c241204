// The well-behaved test plugin: the smallest useful plugin written with actionhost/plugin.hpp.
// Its JSON handling is deliberately minimal (the host tests exercise the ABI, not JSON parsing).
#include <actionhost/plugin.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

Poco::JSON::Object::Ptr parse_object(std::string_view json, const char* what) {
    Poco::JSON::Parser parser;
    auto value = parser.parse(std::string(json));
    auto object = value.extract<Poco::JSON::Object::Ptr>();
    if (!object)
        throw std::invalid_argument(std::string(what) + " must be a JSON object");
    return object;
}

std::string to_json(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

class echo_plugin {
  public:
    echo_plugin(const actionhost::host& host, std::string_view config_json) : host_(host) {
        Poco::JSON::Object::Ptr config;
        try {
            config = parse_object(config_json, "config");
        } catch (const std::exception& e) {
            throw actionhost::plugin_error(AH_INVALID_ARGUMENT,
                                           std::string("invalid config: ") + e.what());
        }
        if (config->optValue("fail_create", false)) {
            throw std::runtime_error("fail_create was set in the config");
        }
        greeting_ = config->optValue<std::string>("greeting", "");
    }

    actionhost::outcome invoke(std::string_view action, std::string_view params_json) {
        Poco::JSON::Object::Ptr params;
        try {
            params = parse_object(params_json, "params");
        } catch (const std::exception& e) {
            return actionhost::outcome::failure(AH_INVALID_ARGUMENT, "InvalidParameter",
                                                std::string("params: ") + e.what());
        }
        if (action == "echo") {
            Poco::JSON::Object result;
            result.set("ok", true);
            result.set("params", params);
            result.set("greeting", greeting_);
            return {AH_OK, to_json(result), ""};
        }
        if (action == "fail") {
            const auto type = params->optValue<std::string>("type", "EchoRefused");
            return actionhost::outcome::failure(AH_ERROR, type, "failed as asked: " + type,
                                                params->optValue("retryable", false));
        }
        if (action == "throw")
            throw std::runtime_error("thrown as asked");
        if (action == "block") {
            host_.log(AH_LOG_INFO, "blocking", "waiting until cancelled");
            const double seconds = params->optValue("seconds", 3600.0);
            if (!host_.cancellation().sleep_for(std::chrono::duration<double>(seconds))) {
                return actionhost::outcome::failure(AH_CANCELLED, "Cancelled",
                                                    "cancelled while blocking");
            }
            return {AH_OK, R"({"ok":true,"blocked":true})", ""};
        }
        return actionhost::outcome::unknown_action(action);
    }

  private:
    const actionhost::host& host_;
    std::string greeting_;
};

}  // namespace

AH_PLUGIN(echo_plugin)
