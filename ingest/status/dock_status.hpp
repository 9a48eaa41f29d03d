// A snapshot of what the dock is doing, for people and monitoring: one row per slot (a camera position the
// dock serves) and totals. The daemon fills it; status_renderers turn it into JSON, Prometheus text and
// HTML; status_server serves those. Plain data: no I/O, no clocks (the daemon stamps generated_utc).
#pragma once

#include "ingest/schedule/alarm_state.hpp"
#include "ingest/schedule/schedule_clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::ingest::status {

using schedule::alarm_state;
using schedule::utc_time;

struct slot_status {
  std::string slot;                    // the slot's name from the dock configuration, e.g. "slot-3"
  std::string device;                  // device id of the camera seen there; empty if none yet
  bool connected = false;              // a link connection to it is up now
  std::optional<int> battery_percent;  // 0..100, if the camera reported it
  std::string activity;                // one word or short phrase: "idle", "pulling", "verifying", ...
  std::uint64_t pending_bytes = 0;     // still to store (queue)
  std::uint64_t pending_records = 0;
  std::uint64_t done_bytes = 0;   // stored during this docking
  std::uint64_t total_bytes = 0;  // done_bytes + what was known pending at the start of this docking
  std::optional<std::chrono::nanoseconds> time_to_deadline;  // earliest pending deadline - now
  std::optional<std::chrono::nanoseconds> slack;             // projected slack of its most urgent item
  alarm_state alarm = alarm_state::ok;
  std::string last_error;  // the last refusal or failure, empty if none

  // done_bytes / total_bytes in [0, 1]; 1 when there is nothing to do.
  [[nodiscard]] double progress() const noexcept;
};

struct status_totals {
  std::uint64_t bytes_stored = 0;  // since the dock started counting (queue_store totals)
  std::uint64_t records_stored = 0;
  std::uint64_t objects_stored = 0;
  std::uint64_t verify_failures = 0;  // records or files refused by verification
  std::uint64_t quarantined_files = 0;
  std::uint64_t receipts_issued = 0;
  std::uint64_t pending_bytes = 0;
  std::uint64_t pending_records = 0;
  double throughput_bytes_per_second = 0;                  // the scheduler's EWMA
  std::optional<std::chrono::nanoseconds> deadline_slack;  // smallest slack over pending items
  std::optional<utc_time> oldest_pending_recorded;         // recorded time of the oldest pending item
  std::optional<utc_time> projected_drain;                 // when the backlog is projected to be stored
  std::uint64_t devices_at_risk = 0;
  std::uint64_t devices_overdue = 0;
};

struct dock_status {
  std::string dock_id;
  std::string version = "0.1.0";
  utc_time generated_utc{};
  utc_time started_utc{};
  alarm_state alarm = alarm_state::ok;  // the worst over all devices
  bool store_available = true;          // false while the store refuses writes (outage, disk full)
  std::string store_error;              // why, if not available
  std::vector<slot_status> slots;
  status_totals totals;
};

}  // namespace bodycam::ingest::status
