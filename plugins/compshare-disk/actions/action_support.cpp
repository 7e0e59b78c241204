#include "action_support.hpp"

namespace compshare::detach {

error_info make_error(const char* type, std::string message, bool retryable) {
    error_info e;
    e.type = type;
    e.message = std::move(message);
    e.retryable = retryable;
    return e;
}

std::string concat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (auto part : parts)
        size += part.size();
    std::string text;
    text.reserve(size);
    for (auto part : parts)
        text += part;
    return text;
}

std::string count_of(int n, const char* singular, const char* plural) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

std::string describe_state(const std::string& state) {
    return state.empty() ? "in an unknown state" : state;
}

std::string seconds_text(double seconds) {
    std::string s = std::to_string(seconds);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

}  // namespace compshare::detach
