#include "http_util.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>

namespace compshare_emulator {

std::string read_body(Poco::Net::HTTPServerRequest& request, std::size_t max_bytes) {
    // An oversized body is still read (up to drain_limit) and discarded, so the client can
    // finish sending and then read the 413 instead of seeing its upload reset.
    const std::size_t drain_limit = 64 * max_bytes;
    if (request.hasContentLength() &&
        request.getContentLength64() > static_cast<Poco::Int64>(drain_limit)) {
        throw body_too_large{};
    }
    std::string body;
    std::size_t total = 0;
    std::istream& in = request.stream();
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        total += n;
        if (total > drain_limit) {
            throw body_too_large{};
        }
        if (total <= max_bytes) {
            body.append(buffer, n);
        }
    }
    if (total > max_bytes) {
        throw body_too_large{};
    }
    return body;
}

void send_body(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
               const std::string& body) {
    // The status line carries the status's own reason phrase ("503 Service Unavailable"):
    // setStatus() alone would keep the default "OK".
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    if (!content_type.empty()) {
        response.setContentType(content_type);
    }
    response.sendBuffer(body.data(), body.size());
}

void reset_connection(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response) {
    response.setKeepAlive(false);
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl == nullptr) {
        return;
    }
    try {
        Poco::Net::StreamSocket& socket = impl->socket();
        socket.setLinger(true, 0);  // close() then sends RST instead of FIN
        socket.close();
    } catch (const Poco::Exception&) {
        // already gone: the client sees the connection end either way
    }
}

}  // namespace compshare_emulator
