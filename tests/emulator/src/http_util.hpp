// Small HTTP helpers shared by the API and control handlers.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

namespace compshare_emulator {

// The request body, at most max_bytes (a longer body throws body_too_large).
struct body_too_large {};
std::string read_body(Poco::Net::HTTPServerRequest& request, std::size_t max_bytes = 1 << 20);

// Sends body with Content-Type and Content-Length.
void send_body(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
               const std::string& body);

// Closes the request's connection without any response, with an RST where possible
// (SO_LINGER 0), so that the client sees "connection reset".
void reset_connection(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response);

}  // namespace compshare_emulator
