#include "control_handler.hpp"

#include "http_util.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <sstream>

namespace compshare_emulator {
namespace {

constexpr const char* json_type = "application/json";

std::string error_json(const std::string& message) {
    Poco::JSON::Object object;
    object.set("error", message);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

void method_not_allowed(Poco::Net::HTTPServerResponse& response, const char* allow) {
    response.setKeepAlive(false);  // the unread body must not be parsed as a request
    response.set("Allow", allow);
    send_body(response, 405, json_type, error_json(std::string("use ") + allow));
}

}  // namespace

void control_handler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                    Poco::Net::HTTPServerResponse& response) {
    const std::string path = Poco::URI(request.getURI()).getPath();
    const std::string& method = request.getMethod();
    try {
        if (path == "/_emulator/faults") {
            if (method == "GET") {
                send_body(response, 200, json_type, core_.faults().to_json());
            } else if (method == "POST") {
                core_.faults().add(parse_faults(read_body(request)));
                send_body(response, 200, json_type, core_.faults().to_json());
            } else if (method == "DELETE") {
                core_.faults().clear();
                send_body(response, 200, json_type, core_.faults().to_json());
            } else {
                method_not_allowed(response, "GET, POST, DELETE");
            }
        } else if (path == "/_emulator/state") {
            if (method == "GET") {
                send_body(response, 200, json_type, core_.with_state([](emulator_state& state) {
                    return state.to_json(clock::now());
                }));
            } else if (method == "PUT") {
                core_.replace_state(emulator_state::from_json(read_body(request)));
                send_body(response, 200, json_type, R"({"ok":true})");
            } else {
                method_not_allowed(response, "GET, PUT");
            }
        } else if (path == "/_emulator/requests") {
            if (method == "GET") {
                send_body(response, 200, json_type, core_.log().to_json());
            } else if (method == "DELETE") {
                core_.log().clear();
                send_body(response, 200, json_type, core_.log().to_json());
            } else {
                method_not_allowed(response, "GET, DELETE");
            }
        } else if (path == "/_emulator/health") {
            send_body(response, 200, json_type, R"({"ok":true})");
        } else {
            send_body(response, 404, json_type,
                      error_json("unknown control endpoint " + path +
                                 " (faults, state, requests, health)"));
        }
    } catch (const emulator_error& e) {
        send_body(response, 400, json_type, error_json(e.what()));
    } catch (const body_too_large&) {
        response.setKeepAlive(false);
        send_body(response, 413, json_type, error_json("request body larger than 1 MiB"));
    }
}

}  // namespace compshare_emulator
