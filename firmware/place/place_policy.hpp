// When the camera writes a `place` record: a pure policy fed with the receiver's condition and the session's
// events, with the time as an argument, so hours of flapping fixes run in microseconds in tests.
//
// The condition in force (the *reported* one) changes only when a new raw condition has lasted `hold`:
//
//   reported \ raw │ fix            no_fix        source_lost
//   ───────────────┼──────────────────────────────────────────
//   fix            │ –              fix_lost      source_lost
//   no_fix         │ fix_regained   –             source_lost
//   source_lost    │ fix_regained   (silent)      –
//
// Invariants:
//  1. Records are decided only while a session is open; outside one the reported condition follows the raw
//     one without records.
//  2. A session's first decision is session_start, with the condition at that moment (no hold), followed by
//     source_lost when the receiver is already gone: a camera without gpsd says so once, at the start.
//  3. Every closed segment gets a `segment` decision, whatever the condition ("no fix" is recorded as such).
//  4. A condition must last `hold` before it is recorded, so a fix flapping faster than `hold` writes no
//     record, and a receiver that stays away gives one source_lost per loss, never one per retry.
//  5. While the reported condition is `fix`, an `interval` decision comes when `interval` has passed since
//     the session's last place decision of any trigger; without a fix there are no interval decisions.
#pragma once

#include "common/record/enums.hpp"
#include "firmware/place/place_sample.hpp"
#include "firmware/place/place_settings.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace bodycam::firmware::place {

using policy_clock = std::chrono::steady_clock;

// The table above as data: the trigger recorded when `reported` gives way to `raw` (nullopt: no record).
[[nodiscard]] std::optional<common::record::place_trigger> transition_trigger(place_condition reported,
                                                                              place_condition raw) noexcept;

class place_policy {
 public:
  explicit place_policy(const place_settings& settings);

  // The receiver's condition now; returns the records due (a held transition, or an interval).
  [[nodiscard]] std::vector<common::record::place_trigger> observe(policy_clock::time_point now, place_condition raw);
  [[nodiscard]] std::vector<common::record::place_trigger> session_opened(policy_clock::time_point now);
  [[nodiscard]] std::vector<common::record::place_trigger> segment_closed(policy_clock::time_point now);
  void session_closed() noexcept;

  [[nodiscard]] bool in_session() const noexcept { return in_session_; }
  [[nodiscard]] place_condition reported() const noexcept { return reported_; }

 private:
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::duration hold_;
  bool in_session_ = false;
  place_condition raw_ = place_condition::source_lost;
  policy_clock::time_point raw_since_{};
  place_condition reported_ = place_condition::source_lost;
  policy_clock::time_point last_record_{};
};

}  // namespace bodycam::firmware::place
