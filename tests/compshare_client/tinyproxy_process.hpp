// tinyproxy (Debian's package), started by a test on a free loopback port with its own config
// and log file, stopped when the object goes.
#pragma once

#include "temp_dir.hpp"

#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Path.h>
#include <Poco/Process.h>
#include <Poco/StringTokenizer.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace test_support {

class tinyproxy_process {
  public:
    struct credentials {
        std::string user, password;
    };

    // The tinyproxy binary on PATH (or in /usr/bin, where Debian puts it), "" when missing.
    static std::string binary() {
        std::string path = Poco::Environment::get("PATH", "");
        path += ":/usr/bin:/usr/sbin";
        for (const auto& dir :
             Poco::StringTokenizer(path, ":", Poco::StringTokenizer::TOK_IGNORE_EMPTY)) {
            const Poco::File candidate(dir + "/tinyproxy");
            if (candidate.exists() && candidate.canExecute())
                return candidate.path();
        }
        return {};
    }

    tinyproxy_process(const temp_dir& dir, std::optional<credentials> auth = std::nullopt)
        : log_file_(dir.path().string() + "/tinyproxy.log") {
        {
            // A free port: the kernel picks one, which is released for tinyproxy to bind.
            Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
            port_ = probe.address().port();
        }
        std::string config = "Port " + std::to_string(port_) +
                             "\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\n"
                             "LogLevel Info\nLogFile \"" +
                             log_file_ + "\"\n";
        if (auth)
            config += "BasicAuth " + auth->user + " " + auth->password + "\n";
        const std::string config_file = dir.write("tinyproxy.conf", config);
        handle_.emplace(Poco::Process::launch(binary(), {"-d", "-c", config_file}));
        wait_until_listening();
    }
    ~tinyproxy_process() {
        try {
            Poco::Process::kill(*handle_);
            handle_->wait();
        } catch (...) {
        }
    }
    tinyproxy_process(const tinyproxy_process&) = delete;
    tinyproxy_process& operator=(const tinyproxy_process&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& user_info = "") const {
        return "http://" + (user_info.empty() ? "" : user_info + "@") +
               "127.0.0.1:" + std::to_string(port_);
    }
    std::string log() const {
        std::ifstream in(log_file_);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

  private:
    // Polls until tinyproxy accepts connections (a refused connect returns at once), 10 s at most.
    void wait_until_listening() const {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (;;) {
            try {
                Poco::Net::StreamSocket s;
                s.connect(Poco::Net::SocketAddress("127.0.0.1", port_), Poco::Timespan(1, 0));
                return;
            } catch (const Poco::Exception&) {
                if (std::chrono::steady_clock::now() > give_up)
                    throw std::runtime_error("tinyproxy did not start listening: " + log());
                std::this_thread::sleep_for(std::chrono::milliseconds(10));  // readiness poll
            }
        }
    }

    std::string log_file_;
    std::uint16_t port_ = 0;
    std::optional<Poco::ProcessHandle> handle_;
};

}  // namespace test_support
