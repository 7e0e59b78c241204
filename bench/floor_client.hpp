// The floor of a warm call: one keep-alive HTTP/1.1 POST of a fixed request over a plain
// socket, reading the answer by its Content-Length. Nothing is parsed, signed or built per call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

class floor_client {
  public:
    // `base_url`: http://HOST:PORT (IPv4 literal or localhost). `form_body`: sent as is.
    floor_client(const std::string& base_url, const std::string& form_body);
    ~floor_client();
    floor_client(const floor_client&) = delete;
    floor_client& operator=(const floor_client&) = delete;

    // One exchange; returns the HTTP status. Throws std::runtime_error on a socket error.
    int post();
    // The same with another form body (the batch floor: each line its own signed request).
    int post(std::string_view form_body);
    // The body of the last answer.
    std::string_view answer_body() const;

  private:
    void connect_once();
    int exchange(const std::string& request);

    std::string host_;
    uint16_t port_ = 0;
    std::string head_;     // the request up to the Content-Length's value
    std::string request_;  // the fixed request
    std::string scratch_;  // a request with another body
    std::size_t body_at_ = 0;
    std::string buffer_;
    int fd_ = -1;
};

}  // namespace bench
