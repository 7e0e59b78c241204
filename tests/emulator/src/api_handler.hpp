// Handles one request to the emulated API ("/"): parse, inject faults, authenticate, run the
// action, log, answer.
#pragma once

#include "server_core.hpp"

#include <Poco/Net/HTTPRequestHandler.h>

namespace compshare_emulator {

class api_handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit api_handler(server_core& core) : core_(core) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

  private:
    server_core& core_;
};

}  // namespace compshare_emulator
