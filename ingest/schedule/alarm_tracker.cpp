// Alarm transitions from successive assessments (invariants 1 and 2 of alarm_tracker.hpp).
#include "ingest/schedule/alarm_tracker.hpp"

#include <algorithm>
#include <cstdio>

namespace bodycam::ingest::schedule {

namespace {

std::string describe_minutes(std::chrono::nanoseconds d) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  return std::to_string(minutes) + " min";
}

std::string describe(const common::record::device_id& device, const device_assessment* d, utc_time at) {
  if (d == nullptr) return "device " + device.str() + ": nothing pending";
  char bytes[32];
  std::snprintf(bytes, sizeof bytes, "%.1f MB", static_cast<double>(d->pending_bytes) / 1e6);
  std::string text =
      "device " + device.str() + ": " + std::to_string(d->pending_items) + " items, " + bytes + " pending, ";
  text += d->earliest_deadline > at ? "deadline in " + describe_minutes(d->earliest_deadline - at)
                                    : "deadline passed " + describe_minutes(at - d->earliest_deadline) + " ago";
  text += ", projected slack " + describe_minutes(d->min_slack);
  return text;
}

}  // namespace

std::vector<alarm_event> alarm_tracker::update(const schedule_assessment& assessment) {
  std::vector<alarm_event> events;
  // Devices in the assessment (map order = sorted by device).
  for (const auto& [device, d] : assessment.devices) {
    const alarm_state before = state_of(device);
    if (d.state == before) continue;  // invariant 1
    alarm_event e;
    e.at = assessment.at;
    e.device = device;
    e.from = before;
    e.to = d.state;
    e.earliest_deadline = d.earliest_deadline;
    e.min_slack = d.min_slack;
    e.detail = describe(device, &d, assessment.at);
    events.push_back(std::move(e));
    if (d.state == alarm_state::ok)
      states_.erase(device);
    else
      states_[device] = d.state;
  }
  // Devices that were alarmed and have nothing pending now: back to ok (invariant 2).
  for (auto it = states_.begin(); it != states_.end();) {
    if (assessment.devices.contains(it->first)) {
      ++it;
      continue;
    }
    alarm_event e;
    e.at = assessment.at;
    e.device = it->first;
    e.from = it->second;
    e.to = alarm_state::ok;
    e.detail = describe(it->first, nullptr, assessment.at);
    events.push_back(std::move(e));
    it = states_.erase(it);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const alarm_event& a, const alarm_event& b) { return a.device < b.device; });
  return events;
}

alarm_state alarm_tracker::state_of(const common::record::device_id& device) const {
  auto it = states_.find(device);
  return it == states_.end() ? alarm_state::ok : it->second;
}

}  // namespace bodycam::ingest::schedule
