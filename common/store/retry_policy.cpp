// The retry policy (retry_policy.hpp): R1 in is_transient, R2 and R3 in retry_budget::next_wait.
#include "common/store/retry_policy.hpp"

#include <algorithm>

namespace bodycam::common::store {

bool is_transient(const core::error& error) noexcept {
  return error.code == core::errc::timeout || error.code == core::errc::closed;
}

std::chrono::milliseconds backoff_delay(const retry_policy& policy, unsigned retry, std::mt19937_64& random) {
  const auto first = std::max<std::int64_t>(policy.first_delay.count(), 0);
  const auto cap = std::max<std::int64_t>(policy.max_delay.count(), 0);
  std::int64_t ceiling = first;
  for (unsigned i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
  return std::chrono::milliseconds(pick(random));
}

std::optional<std::chrono::milliseconds> retry_budget::next_wait(std::chrono::milliseconds elapsed,
                                                                 std::mt19937_64& random) {
  if (attempts_ >= policy_.max_attempts || elapsed >= policy_.budget) return std::nullopt;
  const auto left = policy_.budget - elapsed;
  const auto wait = std::min(backoff_delay(policy_, attempts_ - 1, random), left);
  ++attempts_;
  return wait;
}

}  // namespace bodycam::common::store
