// Backoff: full-jitter bounds per retry, determinism under a seeded source.
#include "client/retry_policy.hpp"

#include <catch2/catch.hpp>

#include <set>

using compshare::retry_policy;
using std::chrono::milliseconds;

TEST_CASE("compshare_client backoff ceilings double up to the cap", "[compshare_client][backoff]") {
    const retry_policy policy(milliseconds(100), milliseconds(1000), retry_policy::seeded(1));
    CHECK(policy.ceiling(1) == milliseconds(100));
    CHECK(policy.ceiling(2) == milliseconds(200));
    CHECK(policy.ceiling(3) == milliseconds(400));
    CHECK(policy.ceiling(4) == milliseconds(800));
    CHECK(policy.ceiling(5) == milliseconds(1000));
    CHECK(policy.ceiling(1000000) == milliseconds(1000));  // no overflow
    CHECK(policy.ceiling(0) == milliseconds(100));
}

TEST_CASE("compshare_client backoff delays stay within [0, ceiling] and spread out",
          "[compshare_client][backoff]") {
    const retry_policy policy(milliseconds(100), milliseconds(1000), retry_policy::seeded(42));
    for (int retry = 1; retry <= 6; ++retry) {
        std::set<long long> seen;
        long long low = 1 << 30, high = -1;
        for (int i = 0; i < 2000; ++i) {
            const long long d = policy.delay(retry).count();
            REQUIRE(d >= 0);
            REQUIRE(d <= policy.ceiling(retry).count());
            seen.insert(d);
            low = std::min(low, d);
            high = std::max(high, d);
        }
        INFO("retry " << retry);
        // Full jitter: the whole range is used, not just the top.
        CHECK(low < policy.ceiling(retry).count() / 10);
        CHECK(high > policy.ceiling(retry).count() * 9 / 10);
        CHECK(seen.size() > 50);
    }
}

TEST_CASE("compshare_client backoff is deterministic under a seeded source",
          "[compshare_client][backoff]") {
    const retry_policy a(milliseconds(50), milliseconds(5000), retry_policy::seeded(7));
    const retry_policy b(milliseconds(50), milliseconds(5000), retry_policy::seeded(7));
    const retry_policy c(milliseconds(50), milliseconds(5000), retry_policy::seeded(8));
    std::vector<long long> da, db, dc;
    for (int retry = 1; retry <= 8; ++retry) {
        da.push_back(a.delay(retry).count());
        db.push_back(b.delay(retry).count());
        dc.push_back(c.delay(retry).count());
    }
    CHECK(da == db);
    CHECK(da != dc);
}

TEST_CASE("compshare_client backoff extremes of the random source", "[compshare_client][backoff]") {
    const retry_policy zero(milliseconds(100), milliseconds(1000), [] { return 0.0; });
    const retry_policy top(milliseconds(100), milliseconds(1000), [] { return 0.9999999; });
    const retry_policy broken(milliseconds(100), milliseconds(1000), [] { return 7.0; });
    CHECK(zero.delay(3) == milliseconds(0));
    CHECK(top.delay(3) == milliseconds(400));
    CHECK(broken.delay(3) == milliseconds(400));  // clamped, never beyond the ceiling
}

TEST_CASE("compshare_client backoff rejects nonsense", "[compshare_client][backoff]") {
    CHECK_THROWS_AS(retry_policy(milliseconds(10), milliseconds(5), retry_policy::seeded(1)),
                    std::invalid_argument);
    CHECK_THROWS_AS(retry_policy(milliseconds(-1), milliseconds(5), retry_policy::seeded(1)),
                    std::invalid_argument);
    CHECK_THROWS_AS(retry_policy(milliseconds(1), milliseconds(5), nullptr), std::invalid_argument);
    const retry_policy defaults;
    CHECK(defaults.base() == milliseconds(200));
    CHECK(defaults.cap() == milliseconds(10000));
}
