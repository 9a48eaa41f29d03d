// Turns successive schedule assessments into alarm events: one event each time a device's alarm state
// changes (ok → at_risk → overdue, and back to ok when its backlog is stored). Pure and deterministic: the
// events come out sorted by device, stamped with the assessment's time.
// Invariants:
//  1. An event is emitted exactly when a device's state differs from the last state reported for it
//     (a device never seen is ok), so replaying the same assessment emits nothing.
//  2. A device that drops out of the assessment (nothing pending) goes to ok, with an event if it was not ok.
#pragma once

#include "common/record/ids.hpp"
#include "ingest/schedule/alarm_state.hpp"
#include "ingest/schedule/deadline_schedule.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::ingest::schedule {

struct alarm_event {
  utc_time at{};
  common::record::device_id device;
  alarm_state from = alarm_state::ok;
  alarm_state to = alarm_state::ok;
  std::optional<utc_time> earliest_deadline;  // of the device's pending items (empty when it caught up)
  std::optional<std::chrono::nanoseconds> min_slack;
  std::string detail;  // one line for people: "device cam-01: 3 items, 1.2 GB pending, deadline in 55 min"
};

class alarm_tracker {
 public:
  // Events of the changes since the last call (invariants 1, 2).
  [[nodiscard]] std::vector<alarm_event> update(const schedule_assessment& assessment);
  [[nodiscard]] alarm_state state_of(const common::record::device_id& device) const;

 private:
  std::map<common::record::device_id, alarm_state> states_;  // devices not ok only
};

}  // namespace bodycam::ingest::schedule
