#include "firmware/session/precheck.hpp"

#include <cmath>
#include <cstdio>

namespace bodycam::firmware::session {

using namespace bodycam::common;
using record::check_status;

namespace {

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string gib(std::uint64_t bytes) { return fixed(static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0), 2) + " GiB"; }

bool is_charging(const battery_reading& b) { return b.status == "Charging" || b.status == "Full"; }

record::precheck_item check_battery(const battery_reading& b, const precheck_thresholds& t) {
  if (!b.present) return {"battery", check_status::warn, "no battery found" + (b.problem.empty() ? "" : ": " + b.problem)};
  if (!b.capacity_percent)
    return {"battery", check_status::warn, "capacity unreadable" + (b.problem.empty() ? "" : ": " + b.problem)};
  const int capacity = *b.capacity_percent;
  std::string detail = std::to_string(capacity) + "% " + (b.status.empty() ? "status unknown" : b.status);
  if (b.voltage_volts) detail += ", " + fixed(*b.voltage_volts, 2) + " V";
  if (!b.problem.empty()) detail += " (" + b.problem + ")";
  if (is_at_battery_reserve(b, t.battery_reserve_percent))
    return {"battery", check_status::fail,
            detail + ": at or below the " + std::to_string(t.battery_reserve_percent) + "% low-battery reserve"};
  const double hours_planned = static_cast<double>(t.planned_shift.count()) / 60.0;
  const double needed = hours_planned * t.battery_drain_percent_per_hour;
  const double usable = static_cast<double>(capacity - t.battery_reserve_percent);
  if (!is_charging(b) && usable < needed) {
    const double hours = t.battery_drain_percent_per_hour > 0 ? usable / t.battery_drain_percent_per_hour : 0.0;
    return {"battery", check_status::warn,
            detail + ": enough for " + fixed(hours, 1) + " h of the planned " + fixed(hours_planned, 1) + " h"};
  }
  return {"battery", check_status::ok, detail};
}

record::precheck_item check_storage(const storage_reading& s, const precheck_thresholds& t) {
  if (!s.free_bytes) return {"storage", check_status::fail, "free space unknown: " + s.problem};
  // Invariant 3: only receipt-covered files count as reclaimable.
  const std::uint64_t available = *s.free_bytes + s.reclaimable_bytes;
  const double hours_planned = static_cast<double>(t.planned_shift.count()) / 60.0;
  const double needed = hours_planned * 3600.0 * static_cast<double>(t.recording_bits_per_second) / 8.0 +
                        static_cast<double>(t.storage_reserve_bytes);
  std::string detail = gib(*s.free_bytes) + " free + " + gib(s.reclaimable_bytes) + " reclaimable";
  if (available <= t.storage_reserve_bytes)
    return {"storage", check_status::fail, detail + ": not above the " + gib(t.storage_reserve_bytes) + " reserve"};
  if (static_cast<double>(available) < needed) {
    const double hours = static_cast<double>(available - t.storage_reserve_bytes) * 8.0 /
                         static_cast<double>(std::max<std::uint64_t>(1, t.recording_bits_per_second)) / 3600.0;
    return {"storage", check_status::warn,
            detail + ": enough for " + fixed(hours, 1) + " h of the planned " + fixed(hours_planned, 1) + " h"};
  }
  return {"storage", check_status::ok, detail};
}

record::precheck_item check_clock(const clock_reading& c, const precheck_thresholds& t) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(c.now.time_since_epoch()).count();
  if (c.now < c.build_date)
    return {"clock", check_status::warn,
            "clock unset: " + std::to_string(seconds) + " s since 1970 is before the firmware build date; "
            "footage time is marked unsynced"};
  if (!c.sync_age) return {"clock", check_status::warn, "never synced with a dock"};
  const auto age_min = std::chrono::duration_cast<std::chrono::minutes>(*c.sync_age).count();
  const auto offset_ms = c.sync_offset ? std::chrono::duration_cast<std::chrono::milliseconds>(*c.sync_offset).count() : 0;
  std::string detail = "last dock sync " + std::to_string(age_min) + " min ago, offset " + std::to_string(offset_ms) + " ms";
  if (*c.sync_age > t.max_sync_age) return {"clock", check_status::warn, detail + ": older than " +
                                                                            std::to_string(t.max_sync_age.count()) + " h"};
  if (std::llabs(offset_ms) > t.max_sync_offset.count())
    return {"clock", check_status::warn, detail + ": offset above " + std::to_string(t.max_sync_offset.count()) + " ms"};
  return {"clock", check_status::ok, detail};
}

record::precheck_item check_present(std::string name, const presence& p, check_status when_missing) {
  return {std::move(name), p.present ? check_status::ok : when_missing, (p.present ? "" : "missing: ") + p.detail};
}

}  // namespace

bool is_at_battery_reserve(const battery_reading& battery, int reserve_percent) noexcept {
  return battery.present && battery.capacity_percent && *battery.capacity_percent <= reserve_percent &&
         !is_charging(battery);
}

record::precheck_payload evaluate_precheck(const precheck_readings& r, const precheck_thresholds& t) {
  record::precheck_payload p;
  p.planned_shift = t.planned_shift;
  // Invariant 1: fixed order.
  p.items.push_back(check_battery(r.battery, t));
  p.items.push_back(check_storage(r.storage, t));
  p.items.push_back(check_clock(r.clock, t));
  p.items.push_back(check_present("camera", r.camera, check_status::fail));
  p.items.push_back(check_present("microphone", r.microphone, check_status::warn));
  p.items.push_back(check_present("device_key", r.device_key, check_status::fail));
  p.items.push_back(check_present("chain_head", r.chain_head, check_status::fail));
  // Invariant 2.
  bool failed = false, warned = false;
  for (const auto& item : p.items) {
    failed = failed || item.status == check_status::fail;
    warned = warned || item.status == check_status::warn;
  }
  p.outcome = failed ? record::precheck_outcome::failed
              : warned ? record::precheck_outcome::passed_with_warnings
                       : record::precheck_outcome::passed;
  return p;
}

std::string describe_problems(const record::precheck_payload& precheck) {
  std::string out;
  for (const auto& item : precheck.items) {
    if (item.status == check_status::ok) continue;
    if (!out.empty()) out += "; ";
    out += item.check + ": " + std::string(record::to_string(item.status)) + " (" + item.detail + ")";
  }
  return out;
}

}  // namespace bodycam::firmware::session
