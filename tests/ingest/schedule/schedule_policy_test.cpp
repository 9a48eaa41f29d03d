// The pure scheduling policy: work items, EDF order, throughput EWMA, projection, slack and rules A1-A3.
#include "ingest/schedule/deadline_schedule.hpp"
#include "ingest/schedule/schedule_clock.hpp"
#include "ingest/schedule/throughput_meter.hpp"
#include "tests/ingest/schedule/schedule_test_support.hpp"

#include <algorithm>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace schedule_policy_test {

namespace sc = bodycam::ingest::schedule;
namespace core = bodycam::common::core;
using namespace sc::testing;
using namespace std::chrono_literals;

TEST_CASE("make_work_item sets the deadline 24 h after recording and checks its invariants") {
  auto a = item("cam-01", 10, 20, 1000, t0);
  CHECK(a.deadline == t0 + 24h);
  CHECK(a.record_count() == 10);
  CHECK_FALSE(a.is_file());
  CHECK(a.state == sc::item_state::pending);
  CHECK(item("cam-01", 10, 20, 1000, t0, 6h).deadline == t0 + 6h);
  CHECK(item("cam-01", 7, 8, 5000, t0, 24h, "000007.mp4").is_file());

  const auto dev = device("cam-01");
  SECTION("empty seq range") {
    auto r = sc::make_work_item({dev, 5, 5, "", 1, t0});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == core::errc::invalid_argument);
    CHECK_THAT(r.error().context, Catch::Contains("cam-01") && Catch::Contains("first_seq"));
  }
  SECTION("a file item naming more than one record") {
    CHECK_FALSE(sc::make_work_item({dev, 5, 7, "000005.mp4", 1, t0}));
  }
  SECTION("a file name with a slash") {
    CHECK_FALSE(sc::make_work_item({dev, 5, 6, "../x.mp4", 1, t0}));
    CHECK_FALSE(sc::make_work_item({dev, 5, 6, "..", 1, t0}));
  }
  SECTION("no device") { CHECK_FALSE(sc::make_work_item({{}, 5, 6, "", 1, t0})); }
  SECTION("non-positive deadline_after") { CHECK_FALSE(sc::make_work_item({dev, 5, 6, "", 1, t0}, 0s)); }
}

TEST_CASE("EDF order is by deadline across devices, ties broken by device, seq and file") {
  std::vector<sc::work_item> items{
      item("cam-b", 0, 5, 1, t0 + 2h),
      item("cam-a", 9, 10, 1, t0 + 1h),
      item("cam-c", 0, 1, 1, t0 - 3h),
      item("cam-a", 5, 9, 1, t0 + 1h),
      item("cam-a", 5, 6, 1, t0 + 1h, 24h, "b.mp4"),
      item("cam-a", 5, 6, 1, t0 + 1h, 24h, "a.mp4"),
  };
  std::sort(items.begin(), items.end(), sc::is_served_before);
  std::vector<std::string> order;
  for (const auto& i : items) order.push_back(i.device.str() + ":" + std::to_string(i.first_seq) + i.file_name);
  CHECK(order == std::vector<std::string>{"cam-c:0", "cam-a:5", "cam-a:5a.mp4", "cam-a:5b.mp4", "cam-a:9", "cam-b:0"});
}

TEST_CASE("throughput_meter: EWMA of completed transfers, stalls change nothing") {
  sc::throughput_meter m({.alpha = 0.5, .initial_bytes_per_second = 1000});
  CHECK(m.bytes_per_second() == 1000);
  CHECK(m.time_for(500) == 500ms);
  m.add_sample(4000, 1s);  // the first sample replaces the guess
  CHECK(m.bytes_per_second() == Approx(4000));
  m.add_sample(2000, 1s);
  CHECK(m.bytes_per_second() == Approx(3000));
  m.add_sample(0, 10s);    // nothing moved: ignored
  m.add_sample(1000, 0s);  // no duration: ignored
  m.add_sample(1000, -1s);
  CHECK(m.bytes_per_second() == Approx(3000));
  CHECK(m.sample_count() == 2);
  CHECK(m.time_for(6000) == 2s);
  sc::throughput_meter bad({.alpha = 7, .initial_bytes_per_second = -3});
  CHECK(bad.bytes_per_second() >= 1.0);  // always positive and finite
  CHECK(bad.time_for(std::uint64_t{1} << 62) > 0ns);
}

TEST_CASE("assess_schedule projects finish times in EDF order at the measured rate") {
  const sc::schedule_policy policy{.deadline_after = 24h, .completion_margin = 2h, .time_left_threshold = 1h};
  // Rate 1000 B/s: 3.6 MB is one hour.
  const std::uint64_t hour = 3'600'000;
  std::vector<sc::work_item> pending{
      item("cam-b", 0, 10, hour, t0 - 10h),                    // deadline t0+14h
      item("cam-a", 0, 4, 2 * hour, t0 - 20h),                 // deadline t0+4h
      item("cam-a", 4, 5, hour, t0 - 19h, 24h, "000004.mp4"),  // deadline t0+5h
  };
  auto done = item("cam-c", 0, 1, 100 * hour, t0 - 23h);
  done.state = sc::item_state::done;
  pending.push_back(done);

  const auto a = sc::assess_schedule(pending, t0, 1000, policy);
  REQUIRE(a.items.size() == 3);  // the done item is ignored
  CHECK(a.items[0].item.device.str() == "cam-a");
  CHECK(a.items[0].projected_finish == t0 + 2h);
  CHECK(a.items[0].slack == 2h);
  CHECK(a.items[0].state == sc::alarm_state::ok);  // slack == margin is not below it
  CHECK(a.items[1].projected_finish == t0 + 3h);
  CHECK(a.items[1].slack == 2h);
  CHECK(a.items[2].projected_finish == t0 + 4h);
  CHECK(a.items[2].slack == 10h);
  CHECK(a.state == sc::alarm_state::ok);
  CHECK(a.backlog_bytes == 4 * hour);
  CHECK(a.backlog_records == 14);  // record ranges only: a file item moves a file
  CHECK(a.projected_drain == t0 + 4h);
  REQUIRE(a.min_slack);
  CHECK(*a.min_slack == 2h);
  CHECK(*a.oldest_recorded == t0 - 20h);
  CHECK(*a.earliest_deadline == t0 + 4h);
  REQUIRE(a.devices.size() == 2);
  const auto& cam_a = a.devices.at(device("cam-a"));
  CHECK(cam_a.pending_items == 2);
  CHECK(cam_a.pending_bytes == 3 * hour);
  CHECK(cam_a.pending_records == 4);
  CHECK(cam_a.earliest_deadline == t0 + 4h);
  CHECK(cam_a.min_slack == 2h);

  SECTION("half the rate puts cam-a at risk (rule A2) and cam-b stays ok") {
    const auto slow = sc::assess_schedule(pending, t0, 500, policy);
    CHECK(slow.items[0].slack == 0h);
    CHECK(slow.devices.at(device("cam-a")).state == sc::alarm_state::at_risk);
    CHECK(slow.devices.at(device("cam-b")).state == sc::alarm_state::ok);
    CHECK(slow.state == sc::alarm_state::at_risk);
  }
  SECTION("projected late is at risk, not overdue, until the deadline passes (A1)") {
    const auto late = sc::assess_schedule(pending, t0 + 3h, 1000, policy);
    CHECK(late.items[0].slack == -1h);
    CHECK(late.items[0].state == sc::alarm_state::at_risk);
    const auto passed = sc::assess_schedule(pending, t0 + 4h, 1000, policy);
    CHECK(passed.items[0].state == sc::alarm_state::overdue);
    CHECK(passed.devices.at(device("cam-a")).state == sc::alarm_state::overdue);
    CHECK(passed.state == sc::alarm_state::overdue);
  }
  SECTION("an empty backlog is ok and drains now") {
    const auto empty = sc::assess_schedule({}, t0, 1000, policy);
    CHECK(empty.state == sc::alarm_state::ok);
    CHECK(empty.items.empty());
    CHECK(empty.projected_drain == t0);
    CHECK_FALSE(empty.min_slack);
    CHECK_FALSE(empty.oldest_recorded);
  }
  SECTION("a zero or negative rate is treated as 1 B/s, never a division by zero") {
    const auto zero = sc::assess_schedule(pending, t0, 0, policy);
    CHECK(zero.bytes_per_second == 1.0);
    CHECK(zero.state == sc::alarm_state::at_risk);
  }
}

TEST_CASE("classify_item: rules A1, A2, A3 at their boundaries") {
  const sc::schedule_policy policy{.deadline_after = 24h, .completion_margin = 2h, .time_left_threshold = 1h};
  const auto deadline = t0 + 10h;
  CHECK(sc::classify_item(t0, deadline, 2h, policy) == sc::alarm_state::ok);
  CHECK(sc::classify_item(t0, deadline, 2h - 1ns, policy) == sc::alarm_state::at_risk);  // A2
  CHECK(sc::classify_item(deadline - 1h, deadline, 5h, policy) == sc::alarm_state::ok);
  CHECK(sc::classify_item(deadline - 1h + 1ns, deadline, 5h, policy) == sc::alarm_state::at_risk);  // A3
  CHECK(sc::classify_item(deadline - 1ns, deadline, 5h, policy) == sc::alarm_state::at_risk);
  CHECK(sc::classify_item(deadline, deadline, 5h, policy) == sc::alarm_state::overdue);  // A1
  CHECK(sc::classify_item(deadline + 1h, deadline, 5h, policy) == sc::alarm_state::overdue);
}

TEST_CASE("check_policy refuses non-positive deadlines and negative margins") {
  CHECK(sc::check_policy({}));
  CHECK_FALSE(sc::check_policy({.deadline_after = 0s}));
  CHECK_FALSE(sc::check_policy({.completion_margin = -1s}));
  CHECK_FALSE(sc::check_policy({.time_left_threshold = -1s}));
  CHECK(sc::check_policy({.completion_margin = 0s, .time_left_threshold = 0s}));
}

TEST_CASE("manual_clock moves only forward") {
  sc::manual_clock clock(t0);
  clock.advance(5min);
  CHECK(clock.now() == t0 + 5min);
  clock.advance(-1h);
  CHECK(clock.now() == t0 + 5min);
  CHECK_FALSE(clock.set(t0));
  CHECK(clock.set(t0 + 1h));
  CHECK(clock.now() == t0 + 1h);
  sc::system_schedule_clock real;
  CHECK(real.now() > t0 - std::chrono::hours(24 * 365 * 10));
}

}  // namespace schedule_policy_test
