// A snapshot of what the dock is doing, for people and monitoring: one row per slot (a camera position the
// dock serves) and totals. The daemon fills it; status_renderers turn it into JSON, Prometheus text and
// HTML; status_server serves those. Plain data: no I/O, no clocks (the daemon stamps generated_utc).
// It is built to say what is true: whether a camera is there at all, whether the throughput is measured or
// the configured assumption, whether the store is up and since when, and since when the totals count.
#pragma once

#include "ingest/schedule/alarm_state.hpp"
#include "ingest/schedule/schedule_clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::ingest::status {

using schedule::alarm_state;
using schedule::utc_time;

// What the dock last learnt about the camera position of a slot.
enum class slot_presence {
  not_checked,  // the dock has not tried this slot yet
  docked,       // the last contact succeeded: a link is up now (`connected`) or the last docking ended well
  absent,       // nothing answered at the slot's address (connection refused, unreachable, timed out): no camera
  refused,      // something answered but no link came up (unknown key, not a bodycam camera, handshake failed)
  failed,       // a link came up but the docking ended with an error (see last_error)
};
[[nodiscard]] std::string_view to_string(slot_presence presence) noexcept;  // "not_checked", "docked", ...

struct slot_status {
  std::string slot;    // the slot's name from the dock configuration, e.g. "slot-3"
  std::string device;  // device id of the camera seen there; empty if none yet
  slot_presence presence = slot_presence::not_checked;
  std::optional<utc_time> presence_since;  // when the slot entered `presence`
  bool connected = false;                  // a link connection to it is up now (only while docked)
  std::optional<int> battery_percent;      // 0..100, if the camera reported it
  std::string activity;                    // one word or short phrase: "idle", "pulling", "verifying", ...
  std::uint64_t pending_bytes = 0;         // still to store (queue)
  std::uint64_t pending_records = 0;
  std::uint64_t done_bytes = 0;   // stored during this docking
  std::uint64_t total_bytes = 0;  // done_bytes + what was known pending at the start of this docking
  std::optional<std::chrono::nanoseconds> time_to_deadline;  // earliest pending deadline - now
  std::optional<std::chrono::nanoseconds> slack;             // projected slack of its most urgent item
  alarm_state alarm = alarm_state::ok;
  std::string last_error;  // why the slot is absent, refused or failed, or the last alarm; empty if none

  // done_bytes / total_bytes in [0, 1]; 1 when there is nothing to do.
  [[nodiscard]] double progress() const noexcept;
};

// The stored totals count since the daemon started (dock_status::started_utc), not over the store's life.
struct status_totals {
  std::uint64_t bytes_stored = 0;
  std::uint64_t records_stored = 0;
  std::uint64_t objects_stored = 0;
  std::uint64_t verify_failures = 0;  // records or files refused by verification
  std::uint64_t quarantined_files = 0;
  std::uint64_t receipts_issued = 0;
  std::uint64_t pending_bytes = 0;
  std::uint64_t pending_records = 0;
  double throughput_bytes_per_second = 0;  // what the scheduler projects with
  // Measured (an EWMA over stored files) once a file has been stored since the start; until then the rate above
  // is the configured assumption. The window is when the measured files were stored.
  bool throughput_measured = false;
  std::uint64_t throughput_samples = 0;
  std::optional<utc_time> throughput_window_start;
  std::optional<utc_time> throughput_window_end;
  std::optional<std::chrono::nanoseconds> deadline_slack;  // smallest slack over pending items
  std::optional<utc_time> oldest_pending_recorded;         // recorded time of the oldest pending item
  std::optional<utc_time> projected_drain;                 // when the backlog is projected to be stored
  std::uint64_t devices_at_risk = 0;
  std::uint64_t devices_overdue = 0;
};

// A witness the dock submits its store log checkpoints to, as the last submission left it. Its alarm is its own
// ("witness_unreachable", "witness_refused", "" when fine) and never the dock's deadline alarm: a witness down
// never delays footage, it only leaves the newest checkpoint unwitnessed until a later docking.
struct witness_status {
  std::string name;
  std::string url;
  std::string state = "not_tried";  // "not_tried", "cosigned", "unreachable", "refused", "store_failed"
  std::string alarm;                // "", "witness_unreachable", "witness_refused"
  std::optional<std::uint64_t> cosigned_size;  // the newest checkpoint size it cosigned for this dock
  std::optional<utc_time> since;               // when `state` took its present value
  std::optional<utc_time> checked;             // the last submission
  std::string last_error;
};

struct dock_status {
  std::string dock_id;
  std::string version = "0.1.0";
  utc_time generated_utc{};
  utc_time started_utc{};
  alarm_state alarm = alarm_state::ok;    // the worst over all devices
  bool store_available = true;            // false while the store refuses writes (outage, disk full)
  std::string store_error;                // why, if not available
  std::string store_alarm;                // "store_unreachable", "store_full", "store_failed"; "" while available
  std::optional<utc_time> store_since;    // when store_available took its present value; none: never checked
  std::optional<utc_time> store_checked;  // the last probe or store operation that told
  std::vector<slot_status> slots;
  status_totals totals;
  std::vector<witness_status> witnesses;
};

}  // namespace bodycam::ingest::status
