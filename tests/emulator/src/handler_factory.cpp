#include "handler_factory.hpp"

#include "api_handler.hpp"
#include "control_handler.hpp"
#include "http_util.hpp"

#include <Poco/Net/HTTPServerRequest.h>

namespace compshare_emulator {
namespace {

class not_found_handler : public Poco::Net::HTTPRequestHandler {
  public:
    void handleRequest(Poco::Net::HTTPServerRequest&,
                       Poco::Net::HTTPServerResponse& response) override {
        // The API lives at "/" only: a client posting elsewhere has a wrong base URL.
        response.setKeepAlive(false);  // its body is unread
        send_body(response, 404, "application/json",
                  R"({"error":"not found: the API is at / and control endpoints at /_emulator/"})");
    }
};

}  // namespace

Poco::Net::HTTPRequestHandler* handler_factory::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
    // Poco takes ownership of the handler (HTTPServerConnection deletes it after the request).
    const std::string& uri = request.getURI();
    const std::string path = uri.substr(0, uri.find('?'));
    if (path.rfind("/_emulator/", 0) == 0) {
        return std::make_unique<control_handler>(core_).release();
    }
    if (path == "/") {
        return std::make_unique<api_handler>(core_).release();
    }
    return std::make_unique<not_found_handler>().release();
}

}  // namespace compshare_emulator
