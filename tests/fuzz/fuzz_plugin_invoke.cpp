// libFuzzer target: the whole ah_plugin_invoke of compshare-disk (plugin.cpp and its static
// libraries linked in) with arbitrary bytes as the parameters of each action (detach, attach,
// status).
//
// The instance's base_url is a loopback "sink" that accepts each connection and closes it at
// once, so a request fails fast and nothing leaves the machine. Asserted for every input:
// - the result is exactly one JSON object with a status (and the log events are JSON objects);
// - parameters refused as InvalidParameter never opened a connection to the API.
#include <actionhost/plugin_api.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <thread>

namespace {

void check(bool condition) {
    if (!condition)
        std::abort();
}

// Accepts and immediately closes connections on 127.0.0.1:<ephemeral>, counting them.
class sink_server {
  public:
    sink_server() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        check(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        check(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        check(::listen(fd_, 64) == 0);
        socklen_t len = sizeof addr;
        check(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~sink_server() {
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
        thread_.join();
        ::close(fd_);
    }
    sink_server(const sink_server&) = delete;
    sink_server& operator=(const sink_server&) = delete;

    int port() const { return port_; }
    // Incremented before the connection is closed, so a client that saw the close sees it.
    long connections() const { return connections_.load(); }

  private:
    void run() {
        while (!stopping_) {
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) {
                if (stopping_)
                    return;
                continue;
            }
            ++connections_;
            ::close(client);
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<long> connections_{0};
    std::thread thread_;
};

Poco::JSON::Object::Ptr parse_object(const char* text, std::size_t length) {
    try {
        const auto value = Poco::JSON::Parser().parse(std::string(text, length));
        if (value.type() == typeid(Poco::JSON::Object::Ptr))
            return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

void on_log(void*, ah_log_level, const char* message) {
    check(message != nullptr && parse_object(message, std::strlen(message)) != nullptr);
}

// One sink and one plugin instance for the whole run, as a host would keep them.
struct fixture {
    sink_server sink;
    ah_host_api host{};
    ah_instance* instance = nullptr;

    fixture() {
        host.struct_size = sizeof host;
        host.api_version = AH_PLUGIN_API_VERSION;
        host.log = &on_log;
        const std::string config =
            R"({"public_key":"fuzz-public","private_key":"fuzz-private","region":"cn-wlcb",)"
            R"("base_url":"http://127.0.0.1:)" +
            std::to_string(sink.port()) + R"(","timeout_seconds":2,"max_retries":0})";
        check(ah_plugin_create(&host, config.c_str(), &instance) == AH_OK);
    }
    ~fixture() {
        ah_plugin_destroy(instance);
        // How many inputs got past validation to the (sink) API: 0 would mean the target only
        // ever exercised the parameter checks.
        std::fprintf(stderr, "fuzz_plugin_invoke: %ld connections reached the sink\n",
                     sink.connections());
    }
    fixture(const fixture&) = delete;
    fixture& operator=(const fixture&) = delete;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fixture f;
    for (const char* action : {"detach", "attach", "status"}) {
        const long before = f.sink.connections();
        const char* result = nullptr;
        size_t length = 0;
        const ah_status status = ah_plugin_invoke(
            f.instance, action, reinterpret_cast<const char*>(data), size, &result, &length);
        check(result != nullptr);
        check(std::strlen(result) == length);  // NUL-terminated, no NUL inside
        const auto object = parse_object(result, length);
        check(object != nullptr);
        check(object->has("status"));
        const char* last_error = ah_plugin_last_error(f.instance);
        check(last_error != nullptr);
        if (status == AH_INVALID_ARGUMENT) {
            const auto error = object->getObject("error");
            check(error != nullptr);
            check(error->optValue<std::string>("type", "") == "InvalidParameter");
            check(f.sink.connections() == before);  // refused before any network call
        }
    }
    return 0;
}
