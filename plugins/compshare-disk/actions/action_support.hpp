// Small pieces every compshare-disk action uses: the exception that ends a run with an error,
// and the wording helpers its messages share.
#pragma once

#include "detach_error.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace compshare::detach {

// Ends a run with an error (thrown inside an action, caught where its report is finished).
struct stop {
    error_info error;
};

error_info make_error(const char* type, std::string message, bool retryable = false);

// The parts joined into one string, allocated once: for the messages every run builds.
std::string concat(std::initializer_list<std::string_view> parts);

// "1 poll", "2 polls".
std::string count_of(int n, const char* singular, const char* plural);

// A State for a message: "" is the API's "unknown".
std::string describe_state(const std::string& state);

// 300 -> "300", 0.5 -> "0.5".
std::string seconds_text(double seconds);

}  // namespace compshare::detach
