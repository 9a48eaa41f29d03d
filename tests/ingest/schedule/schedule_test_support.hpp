// Shared helpers of the schedule tests: fixed times and work items built from short descriptions.
#pragma once

#include "ingest/schedule/work_item.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

namespace bodycam::ingest::schedule::testing {

using namespace std::chrono_literals;

// 2026-11-23T08:00:00Z
inline const utc_time t0 = utc_time(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23).time_since_epoch() + 8h);

inline common::record::device_id device(const std::string& name) {
  auto d = common::record::device_id::parse(name);
  REQUIRE(d);
  return *d;
}

inline work_item item(const std::string& dev, std::uint64_t first, std::uint64_t end, std::uint64_t bytes,
                      utc_time recorded, std::chrono::nanoseconds deadline_after = default_deadline_after,
                      std::string file = {}) {
  auto made = make_work_item({device(dev), first, end, std::move(file), bytes, recorded}, deadline_after);
  REQUIRE(made);
  return *made;
}

}  // namespace bodycam::ingest::schedule::testing

// Times in failure messages as "t0+51min" rather than "{?}".
template <>
struct Catch::StringMaker<bodycam::ingest::schedule::utc_time> {
  static std::string convert(const bodycam::ingest::schedule::utc_time& t) {
    const auto d = t - bodycam::ingest::schedule::testing::t0;
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d);
    const auto rest = std::chrono::duration_cast<std::chrono::nanoseconds>(d - minutes).count();
    return "t0" + std::string(d < d.zero() ? "" : "+") + std::to_string(minutes.count()) + "min" +
           (rest != 0 ? "+" + std::to_string(rest) + "ns" : "");
  }
};
