// Many clients at once: every request answered, counted once, and one detach wins a race.
#include "emulator_client.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// One signed DescribeCompShareInstance on a keep-alive session; true for HTTP 200 + RetCode 0.
bool describe_once(Poco::Net::HTTPClientSession& session, const std::string& body) {
    Poco::Net::HTTPRequest request("POST", "/", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-www-form-urlencoded");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.setKeepAlive(true);
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string text;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
    return response.getStatus() == 200 && text.find(R"("RetCode":0)") != std::string::npos;
}

// Blocks each caller until `count` callers have arrived.
class arrival_gate {
  public:
    explicit arrival_gate(int count) : waiting_for_(count) {}
    void arrive_and_wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        if (--waiting_for_ <= 0) {
            all_here_.notify_all();
            return;
        }
        all_here_.wait(lock, [this] { return waiting_for_ <= 0; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable all_here_;
    int waiting_for_;
};

}  // namespace

TEST_CASE("emulator concurrency: parallel keep-alive clients", "[emulator][concurrency]") {
    compshare_emulator::server server({});
    constexpr int clients = 16;
    constexpr int per_client = 50;
    const std::string body = emulator_test::form_encode(
        emulator_test::sign({{"Action", "DescribeCompShareInstance"}, {"Limit", "1"}}));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            // One keep-alive session per client, as the plugin keeps one.
            Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
            session.setKeepAlive(true);
            for (int i = 0; i < per_client; ++i) {
                Poco::Net::HTTPRequest request("POST", "/", Poco::Net::HTTPMessage::HTTP_1_1);
                request.setContentType("application/x-www-form-urlencoded");
                request.setContentLength(static_cast<std::streamsize>(body.size()));
                request.setKeepAlive(true);
                session.sendRequest(request) << body;
                Poco::Net::HTTPResponse response;
                std::string text;
                Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
                if (response.getStatus() == 200 &&
                    text.find(R"("RetCode":0)") != std::string::npos) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(ok == clients * per_client);
    CHECK(server.count("DescribeCompShareInstance") == clients * per_client);
}

TEST_CASE("emulator concurrency: 300 keep-alive connections open at once are all served",
          "[emulator][concurrency]") {
    // Every client keeps its connection open (and so a server thread busy) while the others
    // connect: a server with fewer connection threads than clients would leave the last ones
    // queued until a keep-alive connection idles out, 30 s later.
    compshare_emulator::server server({});
    constexpr int clients = 300;
    const std::string body = emulator_test::form_encode(
        emulator_test::sign({{"Action", "DescribeCompShareInstance"}, {"Limit", "1"}}));
    arrival_gate all_connected(clients);
    std::atomic<int> ok{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    threads.reserve(clients);
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            bool answered = false;
            bool arrived = false;
            try {
                Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
                session.setKeepAlive(true);
                session.setTimeout(Poco::Timespan(5, 0));  // a queued connection fails here
                answered = describe_once(session, body);
                arrived = true;
                all_connected.arrive_and_wait();  // every connection is now open
                answered = describe_once(session, body) && answered;
            } catch (const Poco::Exception&) {
                answered = false;
                if (!arrived)
                    all_connected.arrive_and_wait();
            }
            if (answered)
                ++ok;
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(ok == clients);
    CHECK(elapsed < std::chrono::seconds(5));
    CHECK(server.count("DescribeCompShareInstance") == 2 * clients);
}

TEST_CASE("emulator concurrency: racing detaches of one disk, exactly one is accepted",
          "[emulator][concurrency]") {
    compshare_emulator::options opts;
    opts.detach_delay_ms = 60000;
    compshare_emulator::server server(opts);
    constexpr int racers = 8;
    std::vector<int> codes(racers, -1);
    std::vector<std::thread> threads;
    for (int r = 0; r < racers; ++r) {
        threads.emplace_back([&, r] {
            codes[static_cast<std::size_t>(r)] =
                emulator_test::call(server.port(), {{"Action", "DetachCompshareDisk"},
                                                    {"Region", "cn-wlcb"},
                                                    {"UHostId", "uhost-emu-stopped"},
                                                    {"UDiskId", "udisk-emu-data1"},
                                                    {"Device", "/dev/vdb"}})
                    .ret_code();
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(std::count(codes.begin(), codes.end(), 0) == 1);
    CHECK(std::count(codes.begin(), codes.end(), 17061) == racers - 1);
    CHECK(server.accepted("DetachCompshareDisk") == 1);
    CHECK(server.count("DetachCompshareDisk") == racers);
}
