// When a store operation that failed is tried again, and when it gives up: exponential backoff with full
// jitter (AWS's "full jitter": the n-th wait is uniform in [0, min(max_delay, first_delay * 2^n)]) for
// transient errors only, under a budget of attempts and of time per operation. Pure: no clock, no sleep, no
// I/O; the caller says how much time has passed and draws from a random source it owns (seeded in tests).
// Guarantees:
//  R1 Only transient errors are retried: errc::timeout and errc::closed (the connection was refused, went away,
//     a reply was cut short or reset; the S3 client also reports HTTP 5xx and 503 SlowDown so). Everything else
//     (not_found, corrupt, permission, conflict, no_space, ...) is an answer and is returned at once.
//  R2 A wait is never longer than max_delay, nor than what is left of the budget; attempts never exceed
//     max_attempts and no wait starts once the time spent has reached the budget.
//  R3 With max_attempts = 1 (or a zero budget) nothing is retried.
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace bodycam::common::store {

struct retry_policy {
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{5'000};
  std::chrono::milliseconds budget{60'000};  // per operation: its attempts and the waits between them
  unsigned max_attempts = 10;
};

// R1.
[[nodiscard]] bool is_transient(const core::error& error) noexcept;

// The wait before retry number `retry` (0 for the first retry) under full jitter: uniform in
// [0, min(max_delay, first_delay * 2^retry)].
[[nodiscard]] std::chrono::milliseconds backoff_delay(const retry_policy& policy, unsigned retry,
                                                      std::mt19937_64& random);

// One operation's budget: ask it after each transient failure whether to try again and after what wait.
class retry_budget {
 public:
  explicit retry_budget(retry_policy policy) noexcept : policy_(policy) {}

  // The wait before the next attempt, or nullopt when the budget is spent (R2, R3). `elapsed`: the time since
  // the operation's first attempt started.
  [[nodiscard]] std::optional<std::chrono::milliseconds> next_wait(std::chrono::milliseconds elapsed,
                                                                   std::mt19937_64& random);
  [[nodiscard]] unsigned attempts() const noexcept { return attempts_; }

 private:
  retry_policy policy_;
  unsigned attempts_ = 1;  // the first attempt has been made when anyone asks
};

}  // namespace bodycam::common::store
