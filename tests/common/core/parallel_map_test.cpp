// parallel_map (common/core/parallel_map.hpp invariants 1-3): every result in index order, no more threads at
// once than asked, and with stop_at_error a prefix that ends at an error and nothing started after it.
#include "common/core/parallel_map.hpp"
#include "common/core/error.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace parallel_map_test {

using namespace bodycam::common;

TEST_CASE("parallel_map: every index once, results in index order, at most the threads asked for at once") {
  for (const std::size_t threads : {std::size_t{1}, std::size_t{3}, std::size_t{8}}) {
    std::atomic<int> running = 0, most = 0;
    std::vector<std::atomic<int>> runs(200);
    const auto out = core::parallel_map(runs.size(), threads, false, [&](std::size_t i) -> core::expected<std::size_t> {
      const int now = ++running;
      for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
      }
      ++runs[i];
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      --running;
      return i * 10;
    });
    REQUIRE(out.size() == runs.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      CHECK(out[i].value() == i * 10);
      CHECK(runs[i] == 1);
    }
    CHECK(most <= static_cast<int>(threads));
    if (threads > 1) CHECK(most > 1);  // the sleeps overlap: several ran at once
  }
  CHECK(core::parallel_map(0, 8, true, [](std::size_t) -> core::expected<int> { return 1; }).empty());
}

TEST_CASE("parallel_map: without stop_at_error an error is one result among the others") {
  const auto out = core::parallel_map(50, 4, false, [](std::size_t i) -> core::expected<std::size_t> {
    if (i % 7 == 3) return core::fail(core::errc::io, "task " + std::to_string(i));
    return i;
  });
  REQUIRE(out.size() == 50);
  for (std::size_t i = 0; i < out.size(); ++i) CHECK(out[i].has_value() == (i % 7 != 3));
}

TEST_CASE("parallel_map: with stop_at_error the tasks run up to the failing one's window of threads, none "
          "beyond, and every one that ran is in the result") {
  for (const std::size_t threads : {std::size_t{1}, std::size_t{4}, std::size_t{8}}) {
    std::vector<std::atomic<int>> runs(1000);
    std::atomic<bool> failing_started = false;
    const auto out = core::parallel_map(runs.size(), threads, true, [&](std::size_t i) -> core::expected<std::size_t> {
      ++runs[i];
      if (i == 20) failing_started = true;
      if (i == 20 || i == 22) return core::fail(core::errc::io, "task " + std::to_string(i));
      if (i > 20) {  // the window beside task 20 ends well after it failed, so its end is known by then
        while (!failing_started) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      return i;
    });
    INFO(threads << " threads");
    REQUIRE(out.size() == 20 + threads);  // 0-19, the failing 20, and the window beside it
    for (std::size_t i = 0; i < runs.size(); ++i) CHECK(runs[i] == (i < 20 + threads ? 1 : 0));
    for (std::size_t i = 0; i < out.size(); ++i) CHECK(out[i].has_value() == (i != 20 && i != 22));
  }
}

}  // namespace parallel_map_test
