// A failure of the host itself: an error.type from exit_codes.hpp plus a one-line message that
// says what went wrong and where.
#pragma once

#include "exit_codes.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace actionhost::core {

class host_error : public std::runtime_error {
  public:
    host_error(std::string_view type, const std::string& message)
        : std::runtime_error(message), type_(type) {}

    const std::string& type() const noexcept { return type_; }
    int exit_code() const noexcept { return exit_code_for_host_error(type_); }

  private:
    std::string type_;
};

}  // namespace actionhost::core
