// The floors under `actionhost run --batch`: the same signed requests, one per line of a file
// of form bodies, sent by N threads over one keep-alive connection each, and each answer's body
// printed in input order, with nothing of ours in between: no params, signature, result,
// events or checks, no plugin and no manifest.
//   --client raw:  a plain socket (floor_client): what the kernel and the server cost;
//   --client poco: Poco's HTTPClientSession as the plugin's transport uses it (same headers,
//                  keep-alive), in a process that loads Poco and libcrypto as actionhost does.
// bench/batch.sh --floors runs both next to the batch and wrk, so that the batch's share of
// the server's capacity can be read against what a client without our work reaches.
// Usage: bench_batch_floor --client raw|poco --url http://127.0.0.1:PORT --bodies FILE
//                          [--parallel N]
#include "floor_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <openssl/sha.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct options {
    std::string client;
    std::string url;
    std::string bodies;
    unsigned parallel = 8;
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const std::string value = argv[i + 1];
        if (name == "--client")
            o.client = value;
        else if (name == "--url")
            o.url = value;
        else if (name == "--bodies")
            o.bodies = value;
        else if (name == "--parallel")
            o.parallel = static_cast<unsigned>(std::stoul(value));
        else
            throw std::runtime_error("unknown option " + name);
    }
    if ((o.client != "raw" && o.client != "poco") || o.url.empty() || o.bodies.empty() ||
        o.parallel == 0 || argc % 2 == 0) {
        throw std::runtime_error(
            "usage: bench_batch_floor --client raw|poco --url http://HOST:PORT --bodies FILE "
            "[--parallel N]");
    }
    return o;
}

// Each thread takes the next line and stores its answer's body in its place.
using exchange_fn = std::function<std::string(const std::string& body)>;
using client_factory = std::function<exchange_fn()>;

exchange_fn raw_client(const std::string& url) {
    auto client = std::make_shared<bench::floor_client>(url, "");
    return [client](const std::string& body) {
        if (client->post(body) != 200)
            throw std::runtime_error("raw: HTTP status is not 200");
        return std::string(client->answer_body());
    };
}

exchange_fn poco_client(const std::string& url) {
    const auto colon = url.rfind(':');
    const auto scheme_end = url.find("://");
    auto session = std::make_shared<Poco::Net::HTTPClientSession>(
        url.substr(scheme_end + 3, colon - scheme_end - 3),
        static_cast<Poco::UInt16>(std::stoi(url.substr(colon + 1))));
    session->setKeepAlive(true);
    auto request = std::make_shared<Poco::Net::HTTPRequest>(Poco::Net::HTTPRequest::HTTP_POST, "/",
                                                            Poco::Net::HTTPMessage::HTTP_1_1);
    request->setContentType("application/x-www-form-urlencoded");
    request->set("User-Agent", "bench-floor");
    auto response = std::make_shared<Poco::Net::HTTPResponse>();
    return [session, request, response](const std::string& body) {
        request->setContentLength(static_cast<std::streamsize>(body.size()));
        request->set("U-Timestamp-Ms", "1767225600000");
        session->sendRequest(*request).write(body.data(),
                                             static_cast<std::streamsize>(body.size()));
        std::istream& in = session->receiveResponse(*response);
        std::string answer(static_cast<std::size_t>(response->getContentLength64()), '\0');
        in.read(answer.data(), static_cast<std::streamsize>(answer.size()));
        if (response->getStatus() != Poco::Net::HTTPResponse::HTTP_OK || !in)
            throw std::runtime_error("poco: no complete 200 answer");
        return answer;
    };
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const options o = parse(argc, argv);
        // The plugin signs with libcrypto: load it here too, so both processes start alike.
        unsigned char digest[SHA_DIGEST_LENGTH];
        SHA1(reinterpret_cast<const unsigned char*>("x"), 1, digest);

        std::ifstream file(o.bodies);
        std::vector<std::string> bodies;
        for (std::string line; std::getline(file, line);)
            bodies.push_back(line);
        std::vector<std::string> answers(bodies.size());
        std::atomic<std::size_t> next{0};
        std::atomic<bool> failed{false};
        const client_factory make = [&] {
            return o.client == "raw" ? raw_client(o.url) : poco_client(o.url);
        };
        std::vector<std::thread> threads;
        for (unsigned i = 0; i < o.parallel; ++i) {
            threads.emplace_back([&] {
                try {
                    const exchange_fn exchange = make();
                    for (std::size_t k; (k = next.fetch_add(1)) < bodies.size();)
                        answers[k] = exchange(bodies[k]);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "bench_batch_floor: %s\n", e.what());
                    failed = true;
                }
            });
        }
        for (auto& t : threads)
            t.join();
        for (const auto& answer : answers)
            std::cout << answer << '\n';
        return failed ? 1 : 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_batch_floor: %s\n", e.what());
        return 2;
    }
}
