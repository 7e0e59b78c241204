#include "retry_policy.hpp"

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>

namespace compshare {

namespace {

retry_policy::random_source engine_source(std::uint64_t seed) {
    // Shared so copies of the policy (and of the std::function) draw from one sequence.
    auto engine = std::make_shared<std::mt19937_64>(seed);
    return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

retry_policy::retry_policy()
    : retry_policy(std::chrono::milliseconds(200), std::chrono::milliseconds(10000),
                   engine_source(std::random_device{}())) {}

retry_policy::retry_policy(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                           random_source random)
    : base_(base), cap_(cap), random_(std::move(random)) {
    if (base_.count() < 0 || cap_ < base_ || !random_) {
        throw std::invalid_argument("retry_policy: need 0 <= base <= cap and a random source");
    }
}

retry_policy::random_source retry_policy::seeded(std::uint64_t seed) {
    return engine_source(seed);
}

std::chrono::milliseconds retry_policy::ceiling(int retry) const {
    if (retry < 1)
        retry = 1;
    // Double step by step so a large retry number saturates at the cap instead of overflowing.
    auto bound = base_;
    for (int i = 1; i < retry && bound < cap_; ++i)
        bound *= 2;
    return std::min(bound, cap_);
}

std::chrono::milliseconds retry_policy::delay(int retry) const {
    const auto bound = ceiling(retry);
    double r = random_();
    r = std::clamp(r, 0.0, 1.0);
    // +1 so that the bound itself is reachable: uniform over the integers 0..bound.
    auto ms = static_cast<std::int64_t>(r * static_cast<double>(bound.count() + 1));
    return std::chrono::milliseconds(std::min<std::int64_t>(ms, bound.count()));
}

}  // namespace compshare
