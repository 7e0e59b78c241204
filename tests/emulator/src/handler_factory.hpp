// Routes "/_emulator/..." to the control endpoints, "/" to the emulated API, the rest to 404.
#pragma once

#include "server_core.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace compshare_emulator {

class handler_factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit handler_factory(server_core& core) : core_(core) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& request) override;

  private:
    server_core& core_;
};

}  // namespace compshare_emulator
