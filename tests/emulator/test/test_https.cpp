// HTTPS with a throwaway self-signed certificate generated at test time (never committed).
#include "emulator_client.hpp"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

#include <catch2/catch.hpp>

namespace {

struct certificate {
    Poco::TemporaryFile dir;  // removed (recursively) at the end of the test
    std::string cert, key;
};

void make_self_signed(certificate& out) {
    out.dir.createDirectories();
    out.cert = out.dir.path() + "/cert.pem";
    out.key = out.dir.path() + "/key.pem";
    Poco::Process::Args args = {
        "req",           "-x509",   "-newkey",
        "rsa:2048",      "-nodes",  "-keyout",
        out.key,         "-out",    out.cert,
        "-days",         "1",       "-subj",
        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"};
    Poco::Pipe quiet;  // openssl's progress output stays out of the test log
    auto handle = Poco::Process::launch("openssl", args, nullptr, &quiet, &quiet);
    quiet.close(Poco::Pipe::CLOSE_WRITE);
    std::string ignored;
    Poco::PipeInputStream progress(quiet);
    Poco::StreamCopier::copyToString(progress, ignored);
    REQUIRE(handle.wait() == 0);
}

std::string https_call(const std::string& base_url, Poco::Net::Context::Ptr context) {
    const Poco::URI uri(base_url);
    Poco::Net::HTTPSClientSession session(uri.getHost(), uri.getPort(), context);
    const std::string body =
        emulator_test::form_encode(emulator_test::sign({{"Action", "DescribeCompShareInstance"}}));
    Poco::Net::HTTPRequest request("POST", "/", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-www-form-urlencoded");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string text;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
    return text;
}

}  // namespace

TEST_CASE("emulator https: serves TLS with the given certificate", "[emulator][https]") {
    certificate tls;
    make_self_signed(tls);
    compshare_emulator::options opts;
    opts.tls_cert_file = tls.cert;
    opts.tls_key_file = tls.key;
    compshare_emulator::server server(opts);
    CHECK(server.base_url() == "https://localhost:" + std::to_string(server.port()));

    SECTION("a client trusting the certificate (as a CA file) verifies host and chain") {
        Poco::Net::Context::Ptr trusting = Poco::makeAuto<Poco::Net::Context>(
            Poco::Net::Context::TLS_CLIENT_USE, tls.cert, Poco::Net::Context::VERIFY_STRICT);
        CHECK(https_call(server.base_url(), trusting).find(R"("RetCode":0)") != std::string::npos);
    }
    SECTION("faults apply over TLS too") {
        Poco::Net::Context::Ptr trusting = Poco::makeAuto<Poco::Net::Context>(
            Poco::Net::Context::TLS_CLIENT_USE, tls.cert, Poco::Net::Context::VERIFY_STRICT);
        server.add_fault(R"({"action":"*","mode":"reset"})");
        CHECK_THROWS_AS(https_call(server.base_url(), trusting), Poco::Exception);
        server.add_fault(R"({"action":"*","mode":"string_ret_code"})");
        CHECK(https_call(server.base_url(), trusting).find(R"("RetCode":"0")") !=
              std::string::npos);
        CHECK(server.count("DescribeCompShareInstance") == 2);
    }
    SECTION("a client with the system CA store refuses it") {
        Poco::Net::Context::Ptr system = Poco::makeAuto<Poco::Net::Context>(
            Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_STRICT, 9, true);
        CHECK_THROWS_AS(https_call(server.base_url(), system), Poco::Net::SSLException);
    }
}

TEST_CASE("emulator https: certificate without key, or unreadable files, are errors",
          "[emulator][https]") {
    compshare_emulator::options only_cert;
    only_cert.tls_cert_file = "/nonexistent/cert.pem";
    CHECK_THROWS_AS(compshare_emulator::server(only_cert), compshare_emulator::emulator_error);
    compshare_emulator::options missing_files;
    missing_files.tls_cert_file = "/nonexistent/cert.pem";
    missing_files.tls_key_file = "/nonexistent/key.pem";
    CHECK_THROWS_AS(compshare_emulator::server(missing_files), compshare_emulator::emulator_error);
    certificate tls;
    make_self_signed(tls);
    compshare_emulator::options swapped;  // the key where the certificate belongs
    swapped.tls_cert_file = tls.key;
    swapped.tls_key_file = tls.cert;
    CHECK_THROWS_AS(compshare_emulator::server(swapped), compshare_emulator::emulator_error);
}
