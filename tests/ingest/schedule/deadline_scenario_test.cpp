// The dock's deadline test on a simulated clock: the scheduler, the alarm tracker and the SQLite queue
// are driven together with a fake upload that fails while the store is out. A store outage of N hours must
// show cam-a at risk, then overdue, at the times rules A1-A3 give, and the dock must catch up (everything
// stored, cam-a back to ok) once the store returns. cam-b, whose deadline is far, must never alarm.
#include "ingest/schedule/alarm_tracker.hpp"
#include "ingest/schedule/queue_store.hpp"
#include "ingest/schedule/schedule_clock.hpp"
#include "ingest/schedule/throughput_meter.hpp"
#include "tests/ingest/schedule/schedule_test_support.hpp"
#include "tests/support/temp_dir.hpp"

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace deadline_scenario_test {

namespace sc = bodycam::ingest::schedule;
using namespace sc::testing;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

constexpr std::uint64_t item_bytes = 600'000'000;  // 60 s at 10 MB/s
constexpr double store_rate = 10'000'000;          // what the fake store really does, bytes/s
constexpr auto retry_after = 1min;                 // the dock's retry interval while the store fails

// A store that takes bytes at store_rate, except during [outage_from, outage_to) when every attempt fails
// after a 30 s timeout. It moves the simulated clock by the time each attempt takes.
class fake_upload {
 public:
  fake_upload(sc::manual_clock& clock, sc::utc_time outage_from, sc::utc_time outage_to)
      : clock_(clock), from_(outage_from), to_(outage_to) {}

  bool is_out() const { return clock_.now() >= from_ && clock_.now() < to_; }

  // true: stored; false: failed (clock moved by the timeout).
  bool attempt(const sc::work_item& item) {
    if (is_out()) {
      clock_.advance(30s);
      ++failures_;
      return false;
    }
    clock_.advance(nanoseconds(static_cast<std::int64_t>(static_cast<double>(item.bytes) / store_rate * 1e9)));
    return true;
  }
  int failures() const { return failures_; }

 private:
  sc::manual_clock& clock_;
  sc::utc_time from_, to_;
  int failures_ = 0;
};

struct scenario_result {
  std::vector<sc::alarm_event> events;  // as logged in the queue
  sc::queue_totals totals;
  sc::utc_time drained{};
  sc::utc_time outage_from{};
  nanoseconds cam_a_backlog_time_at_outage{};
};

scenario_result run_scenario(const std::string& queue_path, std::chrono::hours outage) {
  const sc::schedule_policy policy{.deadline_after = 24h, .completion_margin = 2h, .time_left_threshold = 1h};
  sc::manual_clock clock(t0);
  auto opened = sc::queue_store::open(queue_path, {.create_if_missing = true});
  REQUIRE(opened);
  auto& q = *opened;
  // cam-a: 12 segments recorded 21 h ago (deadline t0+3h); cam-b: 6 recorded 12 h ago (deadline t0+12h).
  for (std::uint64_t i = 0; i < 12; ++i)
    REQUIRE(q.enqueue(item("cam-a", i, i + 1, item_bytes, t0 - 21h, 24h, "a" + std::to_string(i) + ".mp4"), t0));
  for (std::uint64_t i = 0; i < 6; ++i)
    REQUIRE(q.enqueue(item("cam-b", i, i + 1, item_bytes, t0 - 12h, 24h, "b" + std::to_string(i) + ".mp4"), t0));

  // The store works for the first 3 uploads (so the throughput is measured), then is out for `outage`.
  scenario_result result;
  result.outage_from = t0 + 3min;
  fake_upload store(clock, result.outage_from, result.outage_from + outage);
  sc::throughput_meter meter({.alpha = 0.3, .initial_bytes_per_second = 50'000'000});  // a wrong first guess
  sc::alarm_tracker tracker;

  for (int step = 0; step < 5000; ++step) {
    auto pending = q.list_pending();
    REQUIRE(pending);
    const auto assessment = sc::assess_schedule(*pending, clock.now(), meter.bytes_per_second(), policy);
    for (const auto& e : tracker.update(assessment)) REQUIRE(q.log_alarm(e));
    if (pending->empty()) {
      result.drained = clock.now();
      break;
    }
    if (clock.now() == result.outage_from) {
      nanoseconds a_time{};
      for (const auto& i : *pending)
        if (i.device.str() == "cam-a") a_time += meter.time_for(i.bytes);
      result.cam_a_backlog_time_at_outage = a_time;
    }
    const sc::work_item& next = assessment.items.front().item;  // EDF
    REQUIRE(q.mark_in_progress(next.id, clock.now()));
    const auto started = clock.now();
    if (store.attempt(next)) {
      meter.add_sample(next.bytes, clock.now() - started);
      REQUIRE(q.mark_done(next.id, clock.now()));
    } else {
      REQUIRE(q.mark_failed(next.id, clock.now(), "store unavailable"));
      clock.advance(retry_after - 30s);
    }
  }
  REQUIRE(result.drained != sc::utc_time{});
  auto events = q.list_alarms(1000);
  REQUIRE(events);
  result.events = *events;
  auto totals = q.totals();
  REQUIRE(totals);
  result.totals = *totals;
  CHECK(store.failures() > 0);
  return result;
}

// The event of `device` going to `to`, if any.
const sc::alarm_event* find_event(const scenario_result& r, const std::string& device, sc::alarm_state to) {
  for (const auto& e : r.events)
    if (e.device.str() == device && e.to == to) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("store outage of N hours: at risk, then overdue at the right times, then catch up", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-deadline");
  const auto tick = retry_after;  // the scheduler looks once per attempt: once a minute during the outage

  SECTION("6 h outage: at_risk, overdue, ok") {
    const auto r = run_scenario(dir / "queue.db", 6h);
    // After 3 uploads at 10 MB/s the meter says 10 MB/s: cam-a's 9 remaining items take 9 min.
    CHECK(std::chrono::duration<double>(r.cam_a_backlog_time_at_outage).count() == Approx(540.0).margin(0.001));
    const auto deadline_a = t0 + 3h;
    // Rule A2: at risk once deadline - (now + 9 min) < 2 h, i.e. after deadline - 2 h - 9 min.
    const auto* at_risk = find_event(r, "cam-a", sc::alarm_state::at_risk);
    REQUIRE(at_risk != nullptr);
    const auto at_risk_from = deadline_a - 2h - 9min;
    CHECK(at_risk->at > at_risk_from);
    CHECK(at_risk->at <= at_risk_from + tick);
    CHECK(at_risk->from == sc::alarm_state::ok);
    // Rule A1: overdue at the first look at or after the deadline.
    const auto* overdue = find_event(r, "cam-a", sc::alarm_state::overdue);
    REQUIRE(overdue != nullptr);
    CHECK(overdue->at >= deadline_a);
    CHECK(overdue->at < deadline_a + tick);
    CHECK(overdue->from == sc::alarm_state::at_risk);
    // Catch up: the store returns at outage_from + 6 h; cam-a (EDF first) is done 9 min later.
    const auto* ok = find_event(r, "cam-a", sc::alarm_state::ok);
    REQUIRE(ok != nullptr);
    const auto store_back = r.outage_from + 6h;
    CHECK(ok->from == sc::alarm_state::overdue);
    CHECK(ok->at >= store_back + 9min);
    CHECK(ok->at < store_back + 9min + tick);
    // cam-b's deadline (t0+12h) was never in danger; everything ends up stored, once.
    CHECK(find_event(r, "cam-b", sc::alarm_state::at_risk) == nullptr);
    CHECK(r.events.size() == 3);
    CHECK(r.totals.done_items == 18);
    CHECK(r.totals.pending_items == 0);
    CHECK(r.totals.done_bytes == 18 * item_bytes);
    CHECK(r.drained < store_back + 15min + tick);
  }
  SECTION("2 h outage: at risk, never overdue, back to ok") {
    const auto r = run_scenario(dir / "queue.db", 2h);
    const auto* at_risk = find_event(r, "cam-a", sc::alarm_state::at_risk);
    REQUIRE(at_risk != nullptr);
    CHECK(at_risk->at > t0 + 3h - 2h - 9min);
    CHECK(find_event(r, "cam-a", sc::alarm_state::overdue) == nullptr);
    const auto* ok = find_event(r, "cam-a", sc::alarm_state::ok);
    REQUIRE(ok != nullptr);
    CHECK(ok->from == sc::alarm_state::at_risk);
    CHECK(r.events.size() == 2);
    CHECK(r.totals.done_items == 18);
  }
}

}  // namespace deadline_scenario_test
