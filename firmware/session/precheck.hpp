// Pre-shift checks as a pure function (DESIGN.md §4): readings in, the `precheck` payload out.
// The adapters (sysfs_power_supply, storage_probe, the ledger) take the readings; this file only decides.
// Hard failures (status fail → outcome failed, the start is refused and the alarm sounds):
//   battery at or below the reserve while not charging; storage (free + reclaimable) below the reserve;
//   camera missing; device key missing; chain head not verifying.
// Warnings (recorded, start allowed): battery or storage short of the planned shift, battery unreadable
//   (garbage or no power_supply), clock unset (before the firmware build date), never synced or synced too
//   long ago, a large last offset, microphone missing.
// Invariants:
//  1. Items always appear in this order: battery, storage, clock, camera, microphone, device_key, chain_head.
//  2. outcome = failed iff an item is fail; passed_with_warnings iff none fails and one warns.
//  3. Only `reclaimable_bytes` (files a receipt covers) add to free space; nothing else does.
#pragma once

#include "common/record/payloads.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bodycam::firmware::session {

struct battery_reading {
  bool present = false;               // a power_supply of type Battery was found
  std::optional<int> capacity_percent;
  std::string status;                 // Charging, Discharging, Full, Not charging, Unknown
  std::optional<double> voltage_volts;
  std::string problem;                // why a value could not be read ("capacity: 'abc' is not a number")
};

struct storage_reading {
  std::optional<std::uint64_t> free_bytes;  // absent: statvfs failed (problem says why)
  std::uint64_t reclaimable_bytes = 0;      // bytes of ledger files in state `stored`
  std::string problem;
};

struct clock_reading {
  common::record::utc_time now{};
  common::record::utc_time build_date{};
  std::optional<std::chrono::nanoseconds> sync_age;     // since the last `timesync` record; absent = never
  std::optional<std::chrono::nanoseconds> sync_offset;  // its measured offset
};

struct presence {
  bool present = false;
  std::string detail;  // what was looked at ("/dev/video0", "synthetic testsrc2", ...)
};

struct precheck_readings {
  battery_reading battery;
  storage_reading storage;
  clock_reading clock;
  presence camera;
  presence microphone;
  presence device_key;
  presence chain_head;
};

struct precheck_thresholds {
  std::chrono::minutes planned_shift{600};
  double battery_drain_percent_per_hour = 8.0;
  int battery_reserve_percent = 10;       // GA/T 947: leaves 5-30 minutes of recording
  std::uint64_t recording_bits_per_second = 2'600'000;
  std::uint64_t storage_reserve_bytes = 512ull << 20;
  std::chrono::hours max_sync_age{24};
  std::chrono::milliseconds max_sync_offset{2000};
};

[[nodiscard]] common::record::precheck_payload evaluate_precheck(const precheck_readings& readings,
                                                                 const precheck_thresholds& thresholds);

// The battery rule alone (also used while recording): at or below the reserve and not charging.
[[nodiscard]] bool is_at_battery_reserve(const battery_reading& battery, int reserve_percent) noexcept;

// Summary of the failed and warned items, "battery: fail (...); clock: warn (...)", for errors and logs.
[[nodiscard]] std::string describe_problems(const common::record::precheck_payload& precheck);

}  // namespace bodycam::firmware::session
