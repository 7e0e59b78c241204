// The smallest useful actionhost plugin: one class, one macro.
//
// The constructor receives the instance configuration (JSON text) and throws to refuse it;
// invoke() receives an action name and its parameters (JSON text) and returns an outcome: a
// status plus one JSON object. AH_PLUGIN checks both at compile time, generates the seven
// ah_plugin_* exports, catches every exception and keeps results alive as plugin_api.h requires.
#include <actionhost/plugin.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>

namespace {

Poco::JSON::Object::Ptr parse_object(std::string_view json) {
    Poco::JSON::Parser parser;
    auto object = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    if (!object)
        throw std::invalid_argument("not a JSON object");
    return object;
}

class minimal_plugin {
  public:
    minimal_plugin(const actionhost::host& host, std::string_view config_json) : host_(host) {
        try {
            salutation_ = parse_object(config_json)->optValue<std::string>("salutation", "Hello");
        } catch (const std::exception& e) {
            throw actionhost::plugin_error(AH_INVALID_ARGUMENT,
                                           std::string("invalid config: ") + e.what());
        }
    }

    actionhost::outcome invoke(std::string_view action, std::string_view params_json) {
        if (action != "greet")
            return actionhost::outcome::unknown_action(action);
        std::string name;
        try {
            name = parse_object(params_json)->getValue<std::string>("name");
        } catch (const std::exception& e) {
            return actionhost::outcome::failure(AH_INVALID_ARGUMENT, "InvalidParameter",
                                                std::string("params: `name` (a string) is "
                                                            "required: ") +
                                                    e.what());
        }
        host_.log(AH_LOG_INFO, "greeting", "greeting " + name);
        Poco::JSON::Object result;
        result.set("ok", true);
        result.set("greeting", salutation_ + ", " + name + "!");
        std::ostringstream out;
        result.stringify(out);
        return {AH_OK, out.str(), ""};
    }

  private:
    const actionhost::host& host_;
    std::string salutation_;
};

}  // namespace

AH_PLUGIN(minimal_plugin)
