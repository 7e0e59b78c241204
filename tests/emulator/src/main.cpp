// compshare-emulator: runs the emulated Compshare API until SIGTERM/SIGINT.
// Prints one JSON line {"event":"listening",...} on stdout once it accepts connections.
#include "compshare_emulator/server.hpp"

#include <Poco/Exception.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// "HOST:PORT" or "[IPv6]:PORT".
void parse_listen(const std::string& listen, compshare_emulator::options& opts) {
    const std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon + 1 == listen.size()) {
        throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + listen + "'");
    }
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string port = listen.substr(colon + 1);
    if (host.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
        throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + listen + "'");
    }
    opts.listen_host = host;
    opts.port = static_cast<uint16_t>(std::stoi(port));
}

// Write to a temporary file next to the target, then rename: readers never see a partial file.
void write_port_file(const std::string& path, uint16_t port) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << port << '\n';
        if (!out.flush()) {
            throw std::runtime_error("cannot write " + temporary);
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw std::runtime_error("cannot rename " + temporary + " to " + path);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"compshare-emulator: a local Compshare (UCloud) OpenAPI for tests and demos"};
    std::string listen = "127.0.0.1:0";
    std::string port_file, state_file, tls_cert, tls_key, request_log;
    int detach_delay_ms = 0;
    int attach_delay_ms = 0;
    app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 = a free port)")
        ->capture_default_str();
    app.add_option("--port-file", port_file, "write the bound port here once listening");
    app.add_option("--state", state_file, "JSON state seed (default: built-in state)")
        ->check(CLI::ExistingFile);
    auto* cert = app.add_option("--tls-cert", tls_cert, "PEM certificate: serve HTTPS")
                     ->check(CLI::ExistingFile);
    auto* key = app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert")
                    ->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    app.add_option("--detach-delay-ms", detach_delay_ms,
                   "how long a detached disk stays in DiskSet (detaching)")
        ->check(CLI::Range(0, 3600000));
    app.add_option("--attach-delay-ms", attach_delay_ms,
                   "how long an attached disk takes to show in DiskSet (attaching)")
        ->check(CLI::Range(0, 3600000));
    app.add_option("--request-log", request_log, "append one JSON line per API request here");
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log each API request (secrets masked) to stderr");
    bool print_default_state = false;
    app.add_flag("--print-default-state", print_default_state,
                 "print the built-in default state document and exit");

    compshare_emulator::options opts;
    try {
        app.parse(argc, argv);
        parse_listen(listen, opts);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints --help with code 0; every other parse error exits 2.
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }

    if (print_default_state) {
        std::cout << compshare_emulator::default_state_json() << std::endl;
        return 0;
    }

    // Block the stop signals before any thread starts, so that only sigwait() below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a client hanging up must not kill the server

    try {
        if (!state_file.empty()) {
            opts.state_json = read_file(state_file);
            if (opts.state_json.empty()) {
                throw compshare_emulator::emulator_error("the state file " + state_file +
                                                         " is empty");
            }
        }
        opts.tls_cert_file = tls_cert;
        opts.tls_key_file = tls_key;
        opts.detach_delay_ms = detach_delay_ms;
        opts.attach_delay_ms = attach_delay_ms;
        opts.request_log_file = request_log;
        opts.verbose = verbose;
        compshare_emulator::server server(opts);
        if (!port_file.empty()) {
            write_port_file(port_file, server.port());
        }
        std::cout << R"({"event":"listening","url":")" << server.base_url() << R"(","port":)"
                  << server.port() << '}' << std::endl;
        std::cerr << "compshare-emulator: listening on " << server.base_url() << std::endl;

        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        std::cerr << "compshare-emulator: signal " << signal_number
                  << ", finishing in-flight requests" << std::endl;
        server.stop();
        std::cerr << "compshare-emulator: stopped" << std::endl;
        return 0;
    } catch (const compshare_emulator::emulator_error& e) {
        std::cerr << "compshare-emulator: " << e.what() << std::endl;
        return 2;
    } catch (const Poco::Exception& e) {
        std::cerr << "compshare-emulator: " << e.displayText() << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "compshare-emulator: " << e.what() << std::endl;
        return 1;
    }
}
