// apply_schedule: the scheduler's assessment lands in the right status fields, per slot and in the totals.
#include "ingest/status/schedule_view.hpp"
#include "tests/ingest/status/status_sample.hpp"

#include <catch2/catch.hpp>

namespace st = bodycam::ingest::status;
namespace sc = bodycam::ingest::schedule;
using namespace st::testing;

namespace {

sc::work_item item(const std::string& device, std::uint64_t first, std::uint64_t end, std::uint64_t bytes,
                   sc::utc_time recorded) {
  auto made = sc::make_work_item({*bodycam::common::record::device_id::parse(device), first, end, "", bytes, recorded});
  REQUIRE(made);
  return *made;
}

}  // namespace

TEST_CASE("apply_schedule copies the assessment into the status") {
  const sc::schedule_policy policy{.deadline_after = 24h, .completion_margin = 2h, .time_left_threshold = 1h};
  // 1000 B/s. cam-01: deadline t0+2h05, done at t0+601 s: slack below 2 h (A2); cam-02 has nothing pending; cam-09 has
  // no slot.
  const std::vector<sc::work_item> pending{item("cam-01", 0, 10, 600'000, t0 - 21h - 55min),
                                           item("cam-09", 5, 7, 1000, t0 - 25h)};
  const auto a = sc::assess_schedule(pending, t0, 1000, policy);

  st::dock_status s = sample_status();
  s.slots[1].device = "cam-02";
  s.slots[1].pending_bytes = 77;  // stale values from an earlier snapshot must go
  s.slots[1].time_to_deadline = 1h;
  st::apply_schedule(s, a);

  CHECK(s.alarm == st::alarm_state::overdue);  // cam-09's deadline passed
  CHECK(s.totals.pending_bytes == 601'000);
  CHECK(s.totals.pending_records == 12);
  CHECK(s.totals.throughput_bytes_per_second == 1000);
  CHECK(s.totals.devices_at_risk == 1);
  CHECK(s.totals.devices_overdue == 1);
  REQUIRE(s.totals.oldest_pending_recorded);
  CHECK(*s.totals.oldest_pending_recorded == t0 - 25h);
  REQUIRE(s.totals.projected_drain);
  CHECK(*s.totals.projected_drain == t0 + 601s);
  REQUIRE(s.totals.deadline_slack);
  CHECK(*s.totals.deadline_slack == -1h - 1s);  // cam-09: deadline t0-1h, finishes at t0+1s (EDF first)

  CHECK(s.slots[0].pending_bytes == 600'000);
  CHECK(s.slots[0].pending_records == 10);
  CHECK(*s.slots[0].time_to_deadline == 2h + 5min);
  CHECK(*s.slots[0].slack == 2h + 5min - 601s);
  CHECK(s.slots[0].alarm == st::alarm_state::at_risk);
  CHECK(s.slots[0].battery_percent == 87);  // untouched
  CHECK(s.slots[1].pending_bytes == 0);
  CHECK_FALSE(s.slots[1].time_to_deadline);
  CHECK(s.slots[1].alarm == st::alarm_state::ok);
  CHECK(s.slots[2].alarm == st::alarm_state::ok);   // empty slot
  CHECK(s.totals.bytes_stored == 123'456'789'000);  // untouched

  st::apply_schedule(s, sc::assess_schedule({}, t0, 1000, policy));
  CHECK(s.alarm == st::alarm_state::ok);
  CHECK_FALSE(s.totals.projected_drain);
  CHECK_FALSE(s.totals.deadline_slack);
  CHECK(s.slots[0].pending_bytes == 0);
}
