#include "floor_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <stdexcept>

namespace bench {

floor_client::floor_client(const std::string& base_url, const std::string& form_body) {
    const std::string prefix = "http://";
    const auto colon = base_url.rfind(':');
    if (base_url.compare(0, prefix.size(), prefix) != 0 || colon == std::string::npos ||
        colon < prefix.size()) {
        throw std::runtime_error("floor_client: expected http://HOST:PORT, got " + base_url);
    }
    host_ = base_url.substr(prefix.size(), colon - prefix.size());
    port_ = static_cast<uint16_t>(std::stoi(base_url.substr(colon + 1)));
    if (host_ == "localhost") {
        host_ = "127.0.0.1";
    }
    // The header set the plugin's transport sends, in its order.
    head_ = "POST / HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) +
            "\r\nContent-Type: application/x-www-form-urlencoded\r\nUser-Agent: bench-floor"
            "\r\nContent-Length: ";
    request_ = head_ + std::to_string(form_body.size()) +
               "\r\nU-Timestamp-Ms: 1767225600000\r\n\r\n" + form_body;
}

floor_client::~floor_client() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void floor_client::connect_once() {
    if (fd_ >= 0) {
        return;
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    const int one = 1;
    if (fd_ < 0 || ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1 ||
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        throw std::runtime_error("floor_client: cannot connect to " + host_);
    }
}

int floor_client::post() {
    return exchange(request_);
}

int floor_client::post(std::string_view form_body) {
    scratch_.assign(head_);
    scratch_ += std::to_string(form_body.size());
    scratch_ += "\r\nU-Timestamp-Ms: 1767225600000\r\n\r\n";
    scratch_ += form_body;
    return exchange(scratch_);
}

std::string_view floor_client::answer_body() const {
    return std::string_view(buffer_).substr(body_at_);
}

int floor_client::exchange(const std::string& request) {
    connect_once();
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
        throw std::runtime_error("floor_client: send failed");
    }
    buffer_.clear();
    std::size_t need = std::string::npos;
    std::size_t head_end = std::string::npos;
    char chunk[16384];
    while (need == std::string::npos || buffer_.size() < need) {
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            throw std::runtime_error("floor_client: connection closed");
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        if (head_end == std::string::npos &&
            (head_end = buffer_.find("\r\n\r\n")) != std::string::npos) {
            std::size_t length = 0;
            for (auto pos = buffer_.find("\r\n"); pos < head_end; pos = buffer_.find("\r\n", pos)) {
                pos += 2;
                if (::strncasecmp(buffer_.c_str() + pos, "content-length:", 15) == 0) {
                    length = std::stoul(buffer_.substr(pos + 15));
                }
            }
            need = head_end + 4 + length;
            body_at_ = head_end + 4;
        }
    }
    if (buffer_.size() < 12) {
        throw std::runtime_error("floor_client: short answer");
    }
    return std::stoi(buffer_.substr(9, 3));
}

}  // namespace bench
