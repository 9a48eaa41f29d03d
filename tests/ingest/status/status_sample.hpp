// A dock_status with every field set, two slots (one hostile device name) and known values, shared by the
// renderer and server tests.
#pragma once

#include "ingest/status/dock_status.hpp"

#include <chrono>

namespace bodycam::ingest::status::testing {

using namespace std::chrono_literals;

// 2026-11-23T08:00:00Z
inline const utc_time t0 = utc_time(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23).time_since_epoch() + 8h);

inline dock_status sample_status() {
  dock_status s;
  s.dock_id = "dock-hq-1";
  s.generated_utc = t0;
  s.started_utc = t0 - 90min;
  s.alarm = alarm_state::at_risk;
  s.store_available = false;
  s.store_error = "write objects/sha256/ab…: No space left on device";
  s.store_since = t0 - 20min;
  s.store_checked = t0 - 10s;
  slot_status a;
  a.slot = "slot-1";
  a.device = "cam-01";
  a.presence = slot_presence::docked;
  a.presence_since = t0 - 15min;
  a.connected = true;
  a.battery_percent = 87;
  a.activity = "pulling";
  a.pending_bytes = 3'000'000'000;
  a.pending_records = 120;
  a.done_bytes = 1'000'000'000;
  a.total_bytes = 4'000'000'000;
  a.time_to_deadline = 2h + 5min;
  a.slack = 65min;
  a.alarm = alarm_state::at_risk;
  slot_status b;
  b.slot = "slot-2";
  b.device = "<script>alert(\"x\")</script>";
  b.presence = slot_presence::refused;
  b.presence_since = t0 - 3min;
  b.activity = "idle";
  b.last_error = "refuse peer: not an enrolled camera & \"unknown\"";
  b.time_to_deadline = -12min;
  b.alarm = alarm_state::overdue;
  slot_status c;
  c.slot = "slot-3";
  c.presence = slot_presence::absent;
  c.presence_since = t0 - 80min;
  c.activity = "idle";
  c.last_error = "connect to camera 10.0.0.13:7400: Connection refused";
  s.slots = {a, b, c};
  auto& t = s.totals;
  t.bytes_stored = 123'456'789'000;
  t.records_stored = 4567;
  t.objects_stored = 321;
  t.verify_failures = 2;
  t.quarantined_files = 1;
  t.receipts_issued = 40;
  t.pending_bytes = 3'000'000'000;
  t.pending_records = 120;
  t.throughput_bytes_per_second = 12'500'000.5;
  t.throughput_measured = true;
  t.throughput_samples = 14;
  t.throughput_window_start = t0 - 70min;
  t.throughput_window_end = t0 - 1min;
  t.deadline_slack = -(12min + 30s);
  t.oldest_pending_recorded = t0 - 25h;
  t.projected_drain = t0 + 4min;
  t.devices_at_risk = 1;
  t.devices_overdue = 1;
  return s;
}

}  // namespace bodycam::ingest::status::testing
