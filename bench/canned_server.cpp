#include "canned_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

namespace bench {

namespace {

std::string http_answer(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) +
           "\r\nConnection: keep-alive\r\nX-UCLOUD-REQUEST-UUID: "
           "00000000-0000-4000-8000-000000000000\r\n\r\n" +
           body;
}

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Content-Length of a request head (case-insensitive name), 0 when absent.
std::size_t content_length(const std::string& head) {
    std::size_t pos = 0;
    while ((pos = head.find("\r\n", pos)) != std::string::npos) {
        pos += 2;
        static const char name[] = "content-length:";
        if (::strncasecmp(head.c_str() + pos, name, sizeof name - 1) == 0) {
            return std::stoul(head.substr(pos + sizeof name - 1));
        }
    }
    return 0;
}

}  // namespace

std::string detach_answer_body() {
    return R"({"Action":"DetachCompshareDiskResponse","RetCode":0})";
}

std::string describe_answer_body(bool attached) {
    std::string disks =
        R"({"DiskId":"bsd-emu-system","DiskType":"CLOUD_SSD","IsBoot":"True","Drive":"/dev/vda","Size":100})";
    if (attached) {
        disks +=
            R"(,{"DiskId":"udisk-emu-data1","DiskType":"CLOUD_SSD","IsBoot":"False","Drive":"/dev/vdb","Size":200})";
    }
    return R"({"Action":"DescribeCompShareInstanceResponse","RetCode":0,"TotalCount":1,"UHostSet":[)"
           R"({"UHostId":"uhost-emu-stopped","Region":"cn-wlcb","Zone":"cn-wlcb-01","Name":"gpu-stopped",)"
           R"("State":"Stopped","CPU":16,"Memory":65536,"GPU":1,"DiskSet":[)" +
           disks + "]}]}";
}

canned_server::canned_server() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
        throw std::runtime_error("canned_server: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
}

canned_server::~canned_server() {
    const char stop = 'x';
    if (::write(wake_[1], &stop, 1) != 1) {
        // The thread then never wakes; nothing better to do in a destructor.
    }
    thread_.join();
    ::close(wake_[0]);
    ::close(wake_[1]);
    ::close(listen_fd_);
}

std::string canned_server::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

bool canned_server::serve(int fd, std::string& buffer) {
    char chunk[16384];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
        return false;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (;;) {
        const auto end = buffer.find("\r\n\r\n");
        if (end == std::string::npos) {
            return true;
        }
        const std::size_t body_start = end + 4;
        const std::size_t total = body_start + content_length(buffer.substr(0, body_start));
        if (buffer.size() < total) {
            return true;
        }
        const std::string body = buffer.substr(body_start, total - body_start);
        buffer.erase(0, total);
        ++requests_;
        // Pre-rendered answers; only the Action decides.
        static const std::string detach = http_answer(detach_answer_body());
        static const std::string attached = http_answer(describe_answer_body(true));
        static const std::string gone = http_answer(describe_answer_body(false));
        const std::string* answer = &detach;
        if (body.find("Action=DescribeCompShareInstance") != std::string::npos) {
            answer = attached_.load() ? &attached : &gone;
        } else {
            attached_.store(false);
        }
        if (!write_all(fd, *answer)) {
            return false;
        }
    }
}

void canned_server::run() {
    std::map<int, std::string> buffers;
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        fds.push_back({wake_[0], POLLIN, 0});
        fds.push_back({listen_fd_, POLLIN, 0});
        for (const auto& entry : buffers) {
            fds.push_back({entry.first, POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            continue;
        }
        if (fds[0].revents != 0) {
            break;
        }
        if (fds[1].revents != 0) {
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) {
                const int one = 1;
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                buffers[fd];
                ++accepted_;
            }
        }
        for (std::size_t i = 2; i < fds.size(); ++i) {
            if (fds[i].revents != 0 && !serve(fds[i].fd, buffers[fds[i].fd])) {
                ::close(fds[i].fd);
                buffers.erase(fds[i].fd);
            }
        }
    }
    for (const auto& entry : buffers) {
        ::close(entry.first);
    }
}

}  // namespace bench
