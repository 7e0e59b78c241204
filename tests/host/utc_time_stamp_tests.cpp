#include "utc_time_stamp.hpp"

#include <catch2/catch.hpp>

using namespace actionhost::core;
using std::chrono::milliseconds;
using std::chrono::system_clock;

namespace {

system_clock::time_point at(long long ms) {
    return system_clock::time_point(milliseconds(ms));
}

std::string stamped(utc_time_stamper& stamper, long long ms) {
    std::string out = "|";
    stamper.append(out, at(ms));
    return out;
}

}  // namespace

TEST_CASE("host utc_time_stamp: ISO 8601 UTC with milliseconds", "[host][log]") {
    CHECK(utc_time_stamp(at(1795879567123LL)) == "2026-11-28T15:26:07.123Z");
    CHECK(utc_time_stamp(at(0)) == "1970-01-01T00:00:00.000Z");
    CHECK(utc_time_stamp(at(1795879567009LL)) == "2026-11-28T15:26:07.009Z");
    CHECK(utc_time_stamp(at(-1)) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("host utc_time_stamp: a stamper appends, within a second and across seconds",
          "[host][log]") {
    utc_time_stamper stamper;
    CHECK(stamped(stamper, 1795879567123LL) == "|2026-11-28T15:26:07.123Z");
    CHECK(stamped(stamper, 1795879567999LL) == "|2026-11-28T15:26:07.999Z");
    CHECK(stamped(stamper, 1795879568000LL) == "|2026-11-28T15:26:08.000Z");
    CHECK(stamped(stamper, 1795879507050LL) == "|2026-11-28T15:25:07.050Z");  // back in time
    CHECK(stamped(stamper, 0) == "|1970-01-01T00:00:00.000Z");
}
