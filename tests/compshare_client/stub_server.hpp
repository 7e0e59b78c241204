// A tiny in-process HTTP server whose handler is a lambda: for what the emulator cannot show
// (request headers, the moment a request arrives, connection counts, closing behaviour).
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

namespace test_support {

// A one-way gate: wait() blocks until open() (or the timeout).
class gate {
  public:
    void open() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }
    bool wait(std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, timeout, [this] { return open_; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

class stub_server {
  public:
    using handler_fn =
        std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;

    explicit stub_server(handler_fn handler,
                         Poco::Timespan keep_alive_timeout = Poco::Timespan(30, 0))
        : handler_(std::move(handler)), socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(keep_alive_timeout);
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(Poco::makeShared<factory>(handler_),
                                                          socket_, params);
        server_->start();
    }
    ~stub_server() { server_->stopAll(true); }
    stub_server(const stub_server&) = delete;
    stub_server& operator=(const stub_server&) = delete;

    std::string base_url() const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/";
    }
    int total_connections() const { return server_->totalConnections(); }
    int current_connections() const { return server_->currentConnections(); }

  private:
    class handler final : public Poco::Net::HTTPRequestHandler {
      public:
        explicit handler(handler_fn& fn) : fn_(fn) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            fn_(request, response);
            // Drain what the handler left of the body, or it would be read as the next request.
            request.stream().ignore(std::numeric_limits<std::streamsize>::max());
        }

      private:
        handler_fn& fn_;
    };
    class factory final : public Poco::Net::HTTPRequestHandlerFactory {
      public:
        explicit factory(handler_fn& fn) : fn_(fn) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            // Poco takes ownership of the raw pointer it asks for.
            return std::make_unique<handler>(fn_).release();
        }

      private:
        handler_fn& fn_;
    };

    handler_fn handler_;
    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// Answers 200 with a JSON body (and the request id header).
inline void send_json(Poco::Net::HTTPServerResponse& response, const std::string& body,
                      const std::string& request_id = "stub-request") {
    response.set("X-UCLOUD-REQUEST-UUID", request_id);
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    std::ostream& out = response.send();
    out << body;
    out.flush();
}

}  // namespace test_support
