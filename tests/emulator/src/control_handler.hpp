// The emulator's own endpoints under /_emulator/ (faults, state, requests); never part of the
// emulated API.
#pragma once

#include "server_core.hpp"

#include <Poco/Net/HTTPRequestHandler.h>

namespace compshare_emulator {

class control_handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit control_handler(server_core& core) : core_(core) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

  private:
    server_core& core_;
};

}  // namespace compshare_emulator
