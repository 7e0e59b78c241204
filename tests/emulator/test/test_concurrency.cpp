// Many clients at once: every request answered, counted once, and one detach wins a race.
#include "emulator_client.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

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
