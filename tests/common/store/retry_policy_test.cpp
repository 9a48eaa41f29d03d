// The retry policy (common/store/retry_policy.hpp R1-R3): which errors are retried, the full-jitter backoff's
// bounds over many seeded draws, and the budget of attempts and time.
#include "common/store/retry_policy.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace bodycam::common;
using namespace std::chrono_literals;
using store::retry_policy;

TEST_CASE("only timeouts and closed or refused connections are transient (R1)") {
  for (const auto code : {core::errc::timeout, core::errc::closed})
    CHECK(store::is_transient(core::error{code, "x"}));
  for (const auto code : {core::errc::io, core::errc::no_space, core::errc::not_found, core::errc::already_exists,
                          core::errc::permission, core::errc::malformed, core::errc::unsupported,
                          core::errc::invalid_argument, core::errc::corrupt, core::errc::bad_signature,
                          core::errc::conflict, core::errc::internal})
    CHECK_FALSE(store::is_transient(core::error{code, "x"}));
}

TEST_CASE("full jitter: the n-th wait is within [0, min(max_delay, first_delay * 2^n)] and uses that range") {
  const auto seed = bodycam::tests::test_seed("retry policy backoff");
  std::mt19937_64 random(seed);
  const retry_policy policy{100ms, 3'000ms, 60'000ms, 10};
  for (unsigned retry = 0; retry < 8; ++retry) {
    const auto ceiling = std::min<std::int64_t>(3'000, std::int64_t{100} << retry);
    std::int64_t low = ceiling;
    std::int64_t high = 0;
    for (int i = 0; i < 2000; ++i) {
      const auto d = store::backoff_delay(policy, retry, random).count();
      REQUIRE(d >= 0);
      REQUIRE(d <= ceiling);
      low = std::min(low, d);
      high = std::max(high, d);
    }
    INFO("retry " << retry << " ceiling " << ceiling);
    CHECK(low < ceiling / 4);       // jitter reaches down towards 0 ...
    CHECK(high > ceiling * 3 / 4);  // ... and up towards the ceiling
  }
}

TEST_CASE("the budget stops at max_attempts and never waits past the time left (R2)") {
  const auto seed = bodycam::tests::test_seed("retry policy budget");
  std::mt19937_64 random(seed);
  store::retry_budget by_count(retry_policy{10ms, 1'000ms, 3'600'000ms, 4});
  int retries = 0;
  while (by_count.next_wait(0ms, random)) ++retries;
  CHECK(retries == 3);
  CHECK(by_count.attempts() == 4);

  store::retry_budget by_time(retry_policy{1'000ms, 1'000ms, 2'500ms, 100});
  std::chrono::milliseconds elapsed{0};
  int waits = 0;
  while (auto w = by_time.next_wait(elapsed, random)) {
    REQUIRE(*w <= 2'500ms - elapsed);
    elapsed += *w + 400ms;  // the attempt itself takes 400 ms
    ++waits;
  }
  CHECK(waits >= 2);
  CHECK(elapsed >= 2'500ms);
}

TEST_CASE("one attempt or a zero budget retries nothing (R3)") {
  std::mt19937_64 random(1);
  store::retry_budget one(retry_policy{10ms, 100ms, 60'000ms, 1});
  CHECK_FALSE(one.next_wait(0ms, random).has_value());
  store::retry_budget zero(retry_policy{10ms, 100ms, 0ms, 10});
  CHECK_FALSE(zero.next_wait(0ms, random).has_value());
}
