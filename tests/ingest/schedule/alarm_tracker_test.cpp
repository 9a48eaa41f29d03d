// alarm_tracker: one event per change of a device's alarm state, none on a repeat, back to ok on catch-up.
#include "ingest/schedule/alarm_tracker.hpp"
#include "tests/ingest/schedule/schedule_test_support.hpp"

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace alarm_tracker_test {

namespace sc = bodycam::ingest::schedule;
using namespace sc::testing;
using namespace std::chrono_literals;

namespace {

const sc::schedule_policy policy{.deadline_after = 24h, .completion_margin = 2h, .time_left_threshold = 1h};
constexpr double rate = 1000;  // 3.6 MB per hour

}  // namespace

TEST_CASE("alarm_tracker reports each transition once, in device order") {
  sc::alarm_tracker tracker;
  std::vector<sc::work_item> pending{
      item("cam-b", 0, 3, 1000, t0 - 21h),  // deadline t0+3h
      item("cam-a", 0, 3, 1000, t0 - 21h),  // deadline t0+3h
      item("cam-c", 0, 3, 1000, t0 - 1h),   // deadline t0+23h
  };

  auto events = tracker.update(sc::assess_schedule(pending, t0, rate, policy));
  CHECK(events.empty());  // all ok: nothing to say
  CHECK(tracker.state_of(device("cam-a")) == sc::alarm_state::ok);

  events = tracker.update(sc::assess_schedule(pending, t0 + 61min, rate, policy));
  REQUIRE(events.size() == 2);
  CHECK(events[0].device.str() == "cam-a");
  CHECK(events[1].device.str() == "cam-b");
  CHECK(events[0].from == sc::alarm_state::ok);
  CHECK(events[0].to == sc::alarm_state::at_risk);
  CHECK(events[0].at == t0 + 61min);
  REQUIRE(events[0].earliest_deadline);
  CHECK(*events[0].earliest_deadline == t0 + 3h);
  CHECK_THAT(events[0].detail, Catch::Contains("cam-a") && Catch::Contains("deadline in 119 min"));
  CHECK(tracker.state_of(device("cam-a")) == sc::alarm_state::at_risk);

  SECTION("a repeat of the same assessment emits nothing") {
    CHECK(tracker.update(sc::assess_schedule(pending, t0 + 62min, rate, policy)).empty());
  }
  SECTION("overdue at the deadline, then ok when the device's backlog is stored") {
    events = tracker.update(sc::assess_schedule(pending, t0 + 3h, rate, policy));
    REQUIRE(events.size() == 2);
    CHECK(events[0].from == sc::alarm_state::at_risk);
    CHECK(events[0].to == sc::alarm_state::overdue);
    CHECK_THAT(events[0].detail, Catch::Contains("deadline passed 0 min ago"));
    // cam-a's item is stored: it drops out of the assessment (invariant 2).
    pending.erase(pending.begin() + 1);
    events = tracker.update(sc::assess_schedule(pending, t0 + 3h + 5min, rate, policy));
    REQUIRE(events.size() == 1);
    CHECK(events[0].device.str() == "cam-a");
    CHECK(events[0].from == sc::alarm_state::overdue);
    CHECK(events[0].to == sc::alarm_state::ok);
    CHECK_FALSE(events[0].earliest_deadline);
    CHECK(tracker.state_of(device("cam-a")) == sc::alarm_state::ok);
    CHECK(tracker.state_of(device("cam-b")) == sc::alarm_state::overdue);
  }
  SECTION("a device can go straight from ok to overdue when nobody looked in between") {
    sc::alarm_tracker fresh;
    events = fresh.update(sc::assess_schedule(pending, t0 + 4h, rate, policy));
    REQUIRE(events.size() == 2);
    CHECK(events[0].from == sc::alarm_state::ok);
    CHECK(events[0].to == sc::alarm_state::overdue);
  }
}

}  // namespace alarm_tracker_test
