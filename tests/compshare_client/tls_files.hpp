// Throwaway self-signed certificates and hashed CA directories made with the openssl CLI, for
// HTTPS tests.
#pragma once

#include "temp_dir.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {

struct tls_files {
    std::string cert;  // PEM certificate (also usable as a CA bundle: it is self-signed)
    std::string key;   // PEM private key
};

// A certificate for `host_names` (subjectAltName DNS entries; CN is the first one).
inline tls_files make_self_signed(const temp_dir& dir, const std::string& prefix,
                                  const std::vector<std::string>& host_names) {
    tls_files out{dir.path().string() + "/" + prefix + "-cert.pem",
                  dir.path().string() + "/" + prefix + "-key.pem"};
    std::string san = "subjectAltName=";
    for (std::size_t i = 0; i < host_names.size(); ++i) {
        san += (i ? ",DNS:" : "DNS:") + host_names[i];
    }
    const std::vector<std::string> args = {"req",     "-x509",    "-newkey",
                                           "ec",      "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                           "-nodes",  "-keyout",  out.key,
                                           "-out",    out.cert,   "-days",
                                           "1",       "-subj",    "/CN=" + host_names.at(0),
                                           "-addext", san};
    Poco::Pipe output;
    auto handle = Poco::Process::launch("openssl", args, nullptr, &output, &output);
    Poco::PipeInputStream text(output);
    std::string log((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
    if (handle.wait() != 0)
        throw std::runtime_error("openssl req failed: " + log);
    return out;
}

// `openssl rehash DIR`: hash links for the certificates in DIR, as a system store has them.
inline void rehash(const std::string& directory) {
    Poco::Pipe output;
    auto handle =
        Poco::Process::launch("openssl", {"rehash", directory}, nullptr, &output, &output);
    Poco::PipeInputStream text(output);
    std::string log((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
    if (handle.wait() != 0)
        throw std::runtime_error("openssl rehash failed: " + log);
}

}  // namespace test_support
