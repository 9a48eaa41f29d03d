// Shared listings (common/store/listing_groups.hpp rules 1-3): a caller gets a listing begun after it called,
// the callers that arrive while one runs share the next, prefixes do not wait for each other, an error reaches
// every caller it answers, and nothing is kept once every caller has returned. The listing is a function the
// test holds at a gate, so which calls overlap is decided by the test, not by timing.
#include "common/store/listing_groups.hpp"
#include "common/core/error.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>
#include <vector>

using namespace bodycam::common;
using store::listing_groups;

namespace {

using result = core::expected<int>;

// Waits (up to 10 s) until `prefix` has `n` callers in after_now.
bool until_callers(listing_groups<result>& groups, const std::string& prefix, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (groups.callers(prefix) != n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

TEST_CASE("listing groups: calls one after another each run their own listing (rule 2)") {
  listing_groups<result> groups;
  int listings = 0;
  const auto list = [&](const std::string& prefix) -> result {
    CHECK(prefix == "records/cam-1/12");
    return ++listings;
  };
  CHECK(groups.after_now("records/cam-1/12", list).value() == 1);
  CHECK(groups.after_now("records/cam-1/12", list).value() == 2);
  CHECK(groups.after_now("records/cam-1/12", list).value() == 3);
  CHECK(listings == 3);
  CHECK(groups.prefixes_waited_for() == 0);
}

TEST_CASE("listing groups: callers that arrive while a listing runs share the next one, never the running one "
          "(rules 1-2)") {
  listing_groups<result> groups;
  std::atomic<int> listings = 0, running = 0, most_at_once = 0;
  std::latch first_may_end(1);
  const auto list = [&](const std::string&) -> result {
    const int now = ++running;
    most_at_once = std::max(most_at_once.load(), now);
    const int number = ++listings;
    if (number == 1) first_may_end.wait();
    --running;
    return number;
  };
  auto first = std::async(std::launch::async, [&] { return groups.after_now("p", list); });
  REQUIRE(until_callers(groups, "p", 1));
  while (listings.load() == 0) std::this_thread::yield();  // the first listing has begun and is held
  constexpr int later = 5;
  std::vector<std::future<result>> others;
  for (int i = 0; i < later; ++i)
    others.push_back(std::async(std::launch::async, [&] { return groups.after_now("p", list); }));
  REQUIRE(until_callers(groups, "p", 1 + later));
  first_may_end.count_down();
  CHECK(first.get().value() == 1);
  for (auto& o : others) CHECK(o.get().value() == 2);  // one listing, begun after all of them arrived
  CHECK(listings == 2);
  CHECK(most_at_once == 1);
  CHECK(groups.prefixes_waited_for() == 0);
}

TEST_CASE("listing groups: a prefix does not wait for another's listing (rule 1)") {
  listing_groups<result> groups;
  std::latch p_may_end(1);
  auto held = std::async(std::launch::async, [&] {
    return groups.after_now("p", [&](const std::string&) -> result {
      p_may_end.wait();
      return 7;
    });
  });
  REQUIRE(until_callers(groups, "p", 1));
  CHECK(groups.after_now("q", [](const std::string&) -> result { return 8; }).value() == 8);
  CHECK(groups.prefixes_waited_for() == 1);
  p_may_end.count_down();
  CHECK(held.get().value() == 7);
  CHECK(groups.prefixes_waited_for() == 0);
}

TEST_CASE("listing groups: a listing's error reaches every caller it answers, and the next caller lists again "
          "(rule 3)") {
  listing_groups<result> groups;
  std::atomic<int> listings = 0;
  std::latch first_may_end(1);
  const auto list = [&](const std::string&) -> result {
    const int number = ++listings;
    if (number == 1) first_may_end.wait();
    if (number == 2) return core::fail(core::errc::io, "list p: connection reset");
    return number;
  };
  auto first = std::async(std::launch::async, [&] { return groups.after_now("p", list); });
  while (listings.load() == 0) std::this_thread::yield();
  std::vector<std::future<result>> others;
  for (int i = 0; i < 3; ++i)
    others.push_back(std::async(std::launch::async, [&] { return groups.after_now("p", list); }));
  REQUIRE(until_callers(groups, "p", 4));
  first_may_end.count_down();
  CHECK(first.get().value() == 1);
  for (auto& o : others) {
    const auto r = o.get();
    REQUIRE_FALSE(r);
    CHECK(r.error().context == "list p: connection reset");
  }
  CHECK(groups.after_now("p", list).value() == 3);
  CHECK(listings == 3);
}

TEST_CASE("listing groups: a listing that throws leaves the group usable for the next caller (rule 3)") {
  listing_groups<result> groups;
  CHECK_THROWS_AS(groups.after_now("p", [](const std::string&) -> result { throw std::runtime_error("boom"); }),
                  std::runtime_error);
  CHECK(groups.prefixes_waited_for() == 0);
  CHECK(groups.after_now("p", [](const std::string&) -> result { return 4; }).value() == 4);
}
