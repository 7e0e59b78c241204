// Control endpoints (/_emulator/state, /_emulator/requests), state documents, request log.
#include "emulator_client.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using emulator_test::call;
using emulator_test::request;

TEST_CASE("emulator control: GET and PUT state", "[emulator][control]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    auto state = request(port, "GET", "/_emulator/state");
    CHECK(state.status == 200);
    CHECK(state.content_type == "application/json");
    CHECK(state.body.find("uhost-emu-stopped") != std::string::npos);
    CHECK(state.body == server.state_json());

    const std::string small = R"({"KeyPairs":[{"PublicKey":"pk","PrivateKey":"sk"}],
        "Instances":[{"UHostId":"uhost-1","Region":"r","Zone":"z","Name":"n","State":"Stopped",
        "Password":"cGFzcw==","DiskSet":[]}]})";
    auto put = request(port, "PUT", "/_emulator/state", "application/json", small);
    CHECK(put.status == 200);
    // The old key no longer exists; the new one works.
    CHECK(call(port, {{"Action", "DescribeCompShareInstance"}}).ret_code() == 172);
    auto answer = request(port, "POST", "/", "application/x-www-form-urlencoded",
                          emulator_test::form_encode(emulator_test::sign(
                              {{"Action", "DescribeCompShareInstance"}}, "pk", "sk")));
    CHECK(answer.ret_code() == 0);
    CHECK(answer.body.find(R"("UHostId":"uhost-1")") != std::string::npos);
    CHECK(answer.body.find(R"("Password":"cGFzcw==")") != std::string::npos);

    CHECK(request(port, "POST", "/_emulator/state", "application/json", small).status == 405);
    CHECK(request(port, "GET", "/_emulator/nothing").status == 404);
    CHECK(request(port, "GET", "/_emulator/health").status == 200);
}

TEST_CASE("emulator control: invalid state documents are refused", "[emulator][control]") {
    compshare_emulator::server server({});
    const std::string host = R"("UHostId":"h","Region":"r","Zone":"z","State":"Stopped")";
    const std::vector<std::string> invalid = {
        "[]",
        "{",
        R"({"Hosts":[]})",
        R"({"KeyPairs":[{"PublicKey":"pk"}]})",
        R"({"KeyPairs":[{"PublicKey":"","PrivateKey":"x"}]})",
        R"({"Instances":{}})",
        R"({"Instances":[{"Region":"r","Zone":"z","State":"Stopped"}]})",
        R"({"Instances":[{"UHostId":"h","Zone":"z","State":"Stopped"}]})",
        R"({"Instances":[{"UHostId":"h","Region":"r","Zone":"z"}]})",
        R"({"Instances":[{"UHostId":"h","Region":1,"Zone":"z","State":"Stopped"}]})",
        R"({"Instances":[{)" + host + R"(},{)" + host + R"(}]})",
        R"({"Instances":[{)" + host + R"(,"DiskSet":[{"DiskId":"d","Drive":"/dev/vdb"}]}]})",
        R"({"Instances":[{)" + host +
            R"(,"DiskSet":[{"DiskId":"d","Drive":"/dev/vdb","Size":1,"IsBoot":true}]}]})",
        R"({"Instances":[{)" + host + R"(,"DiskSet":[{"DiskId":"d","Size":1}]}]})",
        R"({"Instances":[{)" + host +
            R"(,"DiskSet":[{"DiskId":"d","Drive":"/dev/vdb","Size":-1}]}]})",
        R"({"Instances":[{)" + host +
            R"(,"DiskSet":[{"DiskId":"d","Drive":"/dev/vdb","Size":1},)"
            R"({"DiskId":"e","Drive":"/dev/vdb","Size":1}]}]})",
        R"({"Instances":[{)" + host +
            R"(,"DiskSet":[{"DiskId":"d","Drive":"/dev/vda","Size":1,"IsBoot":"True"},)"
            R"({"DiskId":"e","Drive":"/dev/vdb","Size":1,"IsBoot":"True"}]}]})",
        R"({"Disks":[{"DiskId":"d","Size":1}]})",
        R"({"Disks":[{"DiskId":"d","Size":1,"Region":"r","Zone":"z","IsBoot":"True"}]})",
        R"({"Instances":[{)" + host +
            R"(,"DiskSet":[{"DiskId":"d","Drive":"/dev/vdb","Size":1}]}],)"
            R"("Disks":[{"DiskId":"d","Size":1,"Region":"r","Zone":"z"}]})",
    };
    for (const auto& document : invalid) {
        INFO(document);
        CHECK_THROWS_AS(server.set_state(document), compshare_emulator::emulator_error);
        auto answer =
            request(server.port(), "PUT", "/_emulator/state", "application/json", document);
        CHECK(answer.status == 400);
        CHECK(answer.json()->getValue<std::string>("error").find("invalid state document") == 0);
        compshare_emulator::options opts;
        opts.state_json = document;
        CHECK_THROWS_AS(compshare_emulator::server(opts), compshare_emulator::emulator_error);
    }
    // Nothing was replaced.
    CHECK(server.state_json().find("uhost-emu-stopped") != std::string::npos);
}

TEST_CASE("emulator control: the request log masks secrets and counts", "[emulator][control]") {
    Poco::TemporaryFile log_file;
    compshare_emulator::options opts;
    opts.request_log_file = log_file.path();
    compshare_emulator::server server(opts);
    const auto port = server.port();
    CHECK(call(port, {{"Action", "DescribeCompShareInstance"}, {"Password", "hunter2-secret"}})
              .ret_code() == 0);
    CHECK(call(port, {{"Action", "DetachCompshareDisk"}}).ret_code() == 230);
    request(port, "POST", "/", "application/x-www-form-urlencoded", "Region=cn-wlcb",
            {{"User-Agent", "test-agent/1.0"}, {"U-Timestamp-Ms", "1767225600000"}});

    const std::string log = server.requests_json();
    CHECK(request(port, "GET", "/_emulator/requests").body == log);
    const std::string signature =
        emulator_test::sign({{"Action", "DetachCompshareDisk"}}).at("Signature");
    for (const std::string& secret : {std::string(compshare_emulator::default_public_key),
                                      signature, std::string("hunter2-secret")}) {
        CHECK(log.find(secret) == std::string::npos);
    }
    CHECK(log.find(R"("Signature":"***")") != std::string::npos);
    CHECK(log.find(R"("PublicKey":"***")") != std::string::npos);
    CHECK(log.find(R"("Password":"***")") != std::string::npos);
    CHECK(log.find(R"("counts":{"DescribeCompShareInstance":1,"DetachCompshareDisk":1})") !=
          std::string::npos);
    CHECK(log.find(R"("accepted":{"DescribeCompShareInstance":1})") != std::string::npos);
    // The request without Action, parsed: its parameters, HTTP details and RetCode.
    Poco::JSON::Parser parser;
    auto records = parser.parse(log).extract<Poco::JSON::Object::Ptr>()->getArray("requests");
    REQUIRE(records->size() == 3);
    auto last = records->getObject(2);
    CHECK(last->getValue<std::string>("action").empty());
    CHECK(last->getValue<int>("ret_code") == 160);
    CHECK(last->isNull("fault"));
    CHECK(last->getObject("params")->getValue<std::string>("Region") == "cn-wlcb");
    auto http = last->getObject("http");
    CHECK(http->getValue<std::string>("method") == "POST");
    CHECK(http->getValue<std::string>("path") == "/");
    CHECK(http->getValue<std::string>("content_type") == "application/x-www-form-urlencoded");
    CHECK(http->getValue<std::string>("user_agent") == "test-agent/1.0");
    CHECK(http->getValue<std::string>("u_timestamp_ms") == "1767225600000");

    std::ifstream in(log_file.path());
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        CHECK(line.find(R"("time":")") == 1);
        CHECK(line.find(compshare_emulator::default_public_key) == std::string::npos);
        CHECK(line.find("hunter2-secret") == std::string::npos);
    }
    CHECK(lines == 3);

    auto cleared = request(port, "DELETE", "/_emulator/requests");
    CHECK(cleared.body == R"({"requests":[],"counts":{},"accepted":{},"dropped":0})");
    CHECK(server.count("DescribeCompShareInstance") == 0);
    CHECK(request(port, "PUT", "/_emulator/requests").status == 405);
}

TEST_CASE("emulator control: a request log that cannot be opened is an error",
          "[emulator][control]") {
    compshare_emulator::options opts;
    opts.request_log_file = "/nonexistent-dir/requests.log";
    CHECK_THROWS_AS(compshare_emulator::server(opts), compshare_emulator::emulator_error);
}

TEST_CASE("emulator control: oversized bodies and wrong methods", "[emulator][control]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    const std::string huge((1 << 20) + 1, 'a');
    CHECK(request(port, "POST", "/", "application/x-www-form-urlencoded", huge).status == 413);
    CHECK(request(port, "PUT", "/_emulator/state", "application/json", huge).status == 413);
    CHECK(request(port, "PUT", "/_emulator/faults", "application/json", "{}").status == 405);
    CHECK(request(port, "POST", "/_emulator/state", "application/json", "{}").status == 405);
    CHECK(server.count("DescribeCompShareInstance") == 0);
}

TEST_CASE("emulator control: query and body are merged, the body wins", "[emulator][control]") {
    compshare_emulator::server server({});
    const auto port = server.port();
    // Signed with Limit=1; the query's Limit=50 is overridden by the body's.
    const auto params =
        emulator_test::sign({{"Action", "DescribeCompShareInstance"}, {"Limit", "1"}});
    auto answer = request(port, "POST", "/?Action=DescribeCompShareInstance&Limit=50",
                          "application/x-www-form-urlencoded; charset=utf-8",
                          emulator_test::form_encode(params));
    CHECK(answer.ret_code() == 0);
    CHECK(answer.json()->getArray("UHostSet")->size() == 1);
    // JSON with a charset parameter is still JSON.
    auto json = request(port, "POST", "/", "application/json; charset=utf-8",
                        R"({"Action":"DescribeCompShareInstance","Limit":1,"PublicKey":")" +
                            std::string(compshare_emulator::default_public_key) +
                            R"(","Signature":")" + params.at("Signature") + R"("})");
    CHECK(json.ret_code() == 0);
}
