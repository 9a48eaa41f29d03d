// The dock's scheduling policy, pure: given the pending work items of every docked camera, the time and the
// measured throughput, it says what to serve next (earliest deadline first across all devices), when each
// item is projected to be stored, how much slack it has and which alarm state each device is in.
//
// Model: items are served one after another in EDF order at `bytes_per_second`. Item i's projected finish is
//   finish_i = now + (bytes of items 0..i) / bytes_per_second,   slack_i = deadline_i - finish_i.
// An item is
//   overdue  if now >= deadline_i                                              (rule A1)
//   at_risk  else if slack_i < completion_margin                               (rule A2: projected to
//            finish within the margin of its deadline, or after it)
//            or deadline_i - now < time_left_threshold                          (rule A3: too little time left)
//   ok       otherwise.
// A device's state is the worst of its items' (a device with nothing pending is ok); the dock's is the worst
// of all. Alarm transitions are found by alarm_tracker; nothing here has state.
#pragma once

#include "common/record/ids.hpp"
#include "ingest/schedule/alarm_state.hpp"
#include "ingest/schedule/work_item.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace bodycam::ingest::schedule {

struct schedule_policy {
  std::chrono::nanoseconds deadline_after = default_deadline_after;
  std::chrono::nanoseconds completion_margin = std::chrono::hours(2);    // rule A2
  std::chrono::nanoseconds time_left_threshold = std::chrono::hours(1);  // rule A3
};

// Checks that every duration is positive (completion_margin and time_left_threshold may be zero).
[[nodiscard]] common::core::status check_policy(const schedule_policy& policy);

struct item_assessment {
  work_item item;
  utc_time projected_finish{};
  std::chrono::nanoseconds slack{};  // deadline - projected_finish; negative = projected late
  alarm_state state = alarm_state::ok;
};

struct device_assessment {
  alarm_state state = alarm_state::ok;
  std::uint64_t pending_bytes = 0;
  std::uint64_t pending_records = 0;
  std::uint64_t pending_items = 0;
  utc_time earliest_deadline{};          // of its pending items
  std::chrono::nanoseconds min_slack{};  // of its pending items
  utc_time oldest_recorded{};
};

struct schedule_assessment {
  utc_time at{};
  double bytes_per_second = 0;
  std::vector<item_assessment> items;                              // EDF order: items[0] is what to serve next
  std::map<common::record::device_id, device_assessment> devices;  // only devices with pending items
  alarm_state state = alarm_state::ok;                             // worst over all items
  std::uint64_t backlog_bytes = 0;
  std::uint64_t backlog_records = 0;
  utc_time projected_drain{};  // when the whole backlog is projected to be stored (= at if empty)
  std::optional<std::chrono::nanoseconds> min_slack;  // empty when nothing is pending
  std::optional<utc_time> oldest_recorded;            // of the pending items
  std::optional<utc_time> earliest_deadline;
};

// `pending` may be in any order and contain pending and in-progress items (done items are ignored).
// bytes_per_second must be > 0 (throughput_meter guarantees it); a non-positive value is treated as 1 byte/s.
[[nodiscard]] schedule_assessment assess_schedule(std::vector<work_item> pending, utc_time now, double bytes_per_second,
                                                  const schedule_policy& policy);

// The state of one item under rules A1-A3.
[[nodiscard]] alarm_state classify_item(utc_time now, utc_time deadline, std::chrono::nanoseconds slack,
                                        const schedule_policy& policy) noexcept;

}  // namespace bodycam::ingest::schedule
