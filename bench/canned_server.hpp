// A loopback HTTP/1.1 server with no cost of its own: pre-rendered answers, no JSON, no
// signature check, one thread. It plays a stopped instance whose disk is attached until a
// DetachCompshareDisk, then gone for the polls, so the default detach path runs against it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace bench {

class canned_server {
  public:
    canned_server();  // listening on 127.0.0.1:ephemeral when it returns
    ~canned_server();
    canned_server(const canned_server&) = delete;
    canned_server& operator=(const canned_server&) = delete;

    std::string base_url() const;
    // The disk is attached again (before each timed call that starts with a precheck).
    void reattach() { attached_.store(true); }
    // TCP connections accepted so far: shows whether clients keep theirs alive.
    int connections_accepted() const { return accepted_.load(); }
    int requests() const { return requests_.load(); }

  private:
    void run();
    bool serve(int fd, std::string& buffer);  // false: close the connection

    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    uint16_t port_ = 0;
    std::atomic<bool> attached_{true};
    std::atomic<int> accepted_{0};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

// The fixed answers (also used by the nginx driver's generated config).
std::string detach_answer_body();
std::string describe_answer_body(bool attached);

}  // namespace bench
