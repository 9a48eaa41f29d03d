// The place policy (firmware/place/place_policy.hpp): every row of its transition table, the hold that keeps
// a flapping fix from writing a storm, the interval, and nothing outside a session. Time is an argument,
// so minutes of receiver behaviour run in microseconds.
#include "firmware/place/place_policy.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

using namespace bodycam::firmware::place;
using bodycam::common::record::place_trigger;
using namespace std::chrono_literals;
using triggers = std::vector<place_trigger>;

namespace {

place_settings settings(std::chrono::seconds interval = 30s, std::chrono::seconds hold = 5s) {
  place_settings s;
  s.interval = interval;
  s.hold = hold;
  return s;
}

const policy_clock::time_point t0 = policy_clock::time_point(1000s);

// A policy in a session opened at t0 with `initial` reported.
place_policy in_session(place_condition initial, const place_settings& s = settings()) {
  place_policy p(s);
  (void)p.observe(t0 - 60s, initial);
  (void)p.session_opened(t0);
  REQUIRE(p.reported() == initial);
  return p;
}

}  // namespace

TEST_CASE("the transition table: each change of condition and the record it writes") {
  using c = place_condition;
  CHECK(transition_trigger(c::fix, c::no_fix) == place_trigger::fix_lost);
  CHECK(transition_trigger(c::fix, c::source_lost) == place_trigger::source_lost);
  CHECK(transition_trigger(c::no_fix, c::fix) == place_trigger::fix_regained);
  CHECK(transition_trigger(c::no_fix, c::source_lost) == place_trigger::source_lost);
  CHECK(transition_trigger(c::source_lost, c::fix) == place_trigger::fix_regained);
  CHECK_FALSE(transition_trigger(c::source_lost, c::no_fix).has_value());  // back, still no fix: silent
  for (auto same : {c::fix, c::no_fix, c::source_lost}) CHECK_FALSE(transition_trigger(same, same).has_value());
}

TEST_CASE("each transition is recorded once the new condition has lasted the hold, not before") {
  using c = place_condition;
  struct row {
    c from, to;
    std::optional<place_trigger> expected;
  };
  for (const row& r : {row{c::fix, c::no_fix, place_trigger::fix_lost}, row{c::fix, c::source_lost, place_trigger::source_lost},
                       row{c::no_fix, c::fix, place_trigger::fix_regained},
                       row{c::no_fix, c::source_lost, place_trigger::source_lost},
                       row{c::source_lost, c::fix, place_trigger::fix_regained}, row{c::source_lost, c::no_fix, std::nullopt}}) {
    INFO("from " << static_cast<int>(r.from) << " to " << static_cast<int>(r.to));
    auto p = in_session(r.from);
    CHECK(p.observe(t0 + 1s, r.to).empty());
    CHECK(p.observe(t0 + 5s, r.to).empty());  // 4 s held: not yet
    CHECK(p.reported() == r.from);
    const auto due = p.observe(t0 + 6s, r.to);  // 5 s held
    CHECK(p.reported() == r.to);
    if (r.expected) CHECK(due == triggers{*r.expected});
    else CHECK(due.empty());
    CHECK(p.observe(t0 + 7s, r.to).empty());  // once
  }
}

TEST_CASE("a session starts with session_start and the condition as it is; a missing receiver is said at once") {
  place_policy fix(settings());
  (void)fix.observe(t0, place_condition::fix);
  CHECK(fix.session_opened(t0 + 1s) == triggers{place_trigger::session_start});

  place_policy lost(settings());
  (void)lost.observe(t0, place_condition::source_lost);
  CHECK(lost.session_opened(t0) == triggers{place_trigger::session_start, place_trigger::source_lost});
  // Still gone minutes later: no second source_lost.
  for (int s = 1; s <= 600; ++s) CHECK(lost.observe(t0 + std::chrono::seconds(s), place_condition::source_lost).empty());

  place_policy none(settings());
  (void)none.observe(t0, place_condition::no_fix);
  CHECK(none.session_opened(t0) == triggers{place_trigger::session_start});
  CHECK(none.reported() == place_condition::no_fix);
}

TEST_CASE("every segment gets a place record, with or without a fix; none outside a session") {
  for (auto condition : {place_condition::fix, place_condition::no_fix, place_condition::source_lost}) {
    auto p = in_session(condition);
    CHECK(p.segment_closed(t0 + 10s) == triggers{place_trigger::segment});
    p.session_closed();
    CHECK(p.segment_closed(t0 + 20s).empty());
  }
}

TEST_CASE("interval records come every interval while there is a fix, counted from the last place record") {
  auto p = in_session(place_condition::fix, settings(30s, 5s));
  CHECK(p.observe(t0 + 29s, place_condition::fix).empty());
  CHECK(p.observe(t0 + 30s, place_condition::fix) == triggers{place_trigger::interval});
  CHECK(p.observe(t0 + 45s, place_condition::fix).empty());
  CHECK(p.segment_closed(t0 + 50s) == triggers{place_trigger::segment});  // resets the interval
  CHECK(p.observe(t0 + 61s, place_condition::fix).empty());
  CHECK(p.observe(t0 + 80s, place_condition::fix) == triggers{place_trigger::interval});
  // One hour with a fix: one record per interval, never more.
  int intervals = 0;
  for (int s = 81; s <= 80 + 3600; ++s)
    intervals += static_cast<int>(p.observe(t0 + std::chrono::seconds(s), place_condition::fix).size());
  CHECK(intervals == 120);
}

TEST_CASE("no interval records without a fix: the fix_lost or source_lost record says it once") {
  auto p = in_session(place_condition::no_fix, settings(30s, 5s));
  for (int s = 1; s <= 3600; ++s) CHECK(p.observe(t0 + std::chrono::seconds(s), place_condition::no_fix).empty());
}

TEST_CASE("outside a session the condition is followed without records; the next session starts from it") {
  place_policy p(settings());
  CHECK(p.observe(t0, place_condition::fix).empty());
  CHECK(p.observe(t0 + 10s, place_condition::no_fix).empty());
  CHECK(p.observe(t0 + 20s, place_condition::no_fix).empty());
  CHECK(p.reported() == place_condition::no_fix);
  CHECK(p.observe(t0 + 100s, place_condition::fix).empty());
  CHECK_FALSE(p.in_session());
  CHECK(p.session_opened(t0 + 101s) == triggers{place_trigger::session_start});
  CHECK(p.reported() == place_condition::fix);
}

TEST_CASE("a fix flapping faster than the hold writes no record at all (seeded random flaps)") {
  const std::uint32_t seed = std::random_device{}();
  std::printf("place_policy_test: flapping fix, seed %u\n", seed);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  auto p = in_session(place_condition::fix, settings(1'000'000s, 5s));  // no interval within the run
  auto now = t0;
  int flaps = 0;
  place_condition c = place_condition::fix;
  for (int i = 0; i < 5000; ++i) {
    // Each condition lasts 0.1-4.9 s: always less than the 5 s hold.
    now += std::chrono::milliseconds(100 + rng() % 4800);
    c = c == place_condition::fix ? place_condition::no_fix : place_condition::fix;
    ++flaps;
    CHECK(p.observe(now, c).empty());
  }
  CHECK(flaps == 5000);
  CHECK(p.reported() == place_condition::fix);
}

TEST_CASE("a fix flapping slower than the hold: one record per held change, alternating lost and regained") {
  auto p = in_session(place_condition::fix, settings(3600s, 5s));
  triggers all;
  auto now = t0;
  place_condition c = place_condition::fix;
  for (int i = 0; i < 10; ++i) {
    c = c == place_condition::fix ? place_condition::no_fix : place_condition::fix;
    for (int tick = 0; tick <= 12; ++tick) {  // 6 s per condition, a sample every 0.5 s
      for (auto t : p.observe(now, c)) all.push_back(t);
      now += 500ms;
    }
  }
  REQUIRE(all.size() == 10);
  for (std::size_t i = 0; i < all.size(); ++i)
    CHECK(all[i] == (i % 2 == 0 ? place_trigger::fix_lost : place_trigger::fix_regained));
}

TEST_CASE("a receiver that goes and comes back: one source_lost per loss, regained only with a fix") {
  auto p = in_session(place_condition::fix, settings(3600s, 2s));
  CHECK(p.observe(t0 + 1s, place_condition::source_lost).empty());
  CHECK(p.observe(t0 + 3s, place_condition::source_lost) == triggers{place_trigger::source_lost});
  for (int s = 4; s < 100; ++s) CHECK(p.observe(t0 + std::chrono::seconds(s), place_condition::source_lost).empty());
  CHECK(p.observe(t0 + 100s, place_condition::no_fix).empty());  // gpsd back, no fix yet
  CHECK(p.observe(t0 + 103s, place_condition::no_fix).empty());
  CHECK(p.reported() == place_condition::no_fix);
  CHECK(p.observe(t0 + 104s, place_condition::fix).empty());
  CHECK(p.observe(t0 + 106s, place_condition::fix) == triggers{place_trigger::fix_regained});
  CHECK(p.observe(t0 + 107s, place_condition::source_lost).empty());
  CHECK(p.observe(t0 + 109s, place_condition::source_lost) == triggers{place_trigger::source_lost});
}

TEST_CASE("a zero hold records every change at once") {
  auto p = in_session(place_condition::fix, settings(3600s, 0s));
  CHECK(p.observe(t0 + 1s, place_condition::no_fix) == triggers{place_trigger::fix_lost});
  CHECK(p.observe(t0 + 2s, place_condition::fix) == triggers{place_trigger::fix_regained});
}
