// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
// [0, min(cap, base * 2^(n-1))], so clients that failed together do not retry together.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace compshare {

class retry_policy {
  public:
    // Uniform in [0, 1). Injected so tests can be deterministic.
    using random_source = std::function<double()>;

    // base 200 ms, cap 10 s, seeded from std::random_device.
    retry_policy();
    retry_policy(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                 random_source random);

    // A source seeded with `seed` (std::mt19937_64), for reproducible delays.
    static random_source seeded(std::uint64_t seed);

    // The upper bound of the delay before retry number `retry` (1 = the first retry).
    std::chrono::milliseconds ceiling(int retry) const;
    // A delay in [0, ceiling(retry)].
    std::chrono::milliseconds delay(int retry) const;

    std::chrono::milliseconds base() const noexcept { return base_; }
    std::chrono::milliseconds cap() const noexcept { return cap_; }

  private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds cap_;
    random_source random_;
};

}  // namespace compshare
