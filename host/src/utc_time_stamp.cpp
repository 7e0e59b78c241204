#include "utc_time_stamp.hpp"

namespace actionhost::core {
namespace {

// "YYYY-MM-DDTHH:MM:SS" of a second since the epoch.
std::string date_time(std::time_t second) {
    std::tm utc{};
    gmtime_r(&second, &utc);
    char text[32];
    const std::size_t size = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    return std::string(text, size);
}

// ".123Z"
void append_milliseconds(std::string& out, long milliseconds) {
    const char digits[] = {'.', static_cast<char>('0' + milliseconds / 100),
                           static_cast<char>('0' + milliseconds / 10 % 10),
                           static_cast<char>('0' + milliseconds % 10), 'Z'};
    out.append(digits, sizeof digits);
}

}  // namespace

std::string utc_time_stamp(std::chrono::system_clock::time_point when) {
    std::string out;
    utc_time_stamper().append(out, when);
    return out;
}

void utc_time_stamper::append(std::string& out, std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto second = floor<seconds>(when);
    const std::time_t epoch_second = system_clock::to_time_t(second);
    if (date_time_.empty() || epoch_second != second_) {
        date_time_ = date_time(epoch_second);
        second_ = epoch_second;
    }
    out += date_time_;
    append_milliseconds(out, static_cast<long>(duration_cast<milliseconds>(when - second).count()));
}

}  // namespace actionhost::core
