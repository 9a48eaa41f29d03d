// The scheduler's assessment copied into a dock_status (see schedule_view.hpp).
#include "ingest/status/schedule_view.hpp"

namespace bodycam::ingest::status {

void apply_schedule(dock_status& status, const schedule::schedule_assessment& a) {
  status.alarm = a.state;
  auto& t = status.totals;
  t.pending_bytes = a.backlog_bytes;
  t.pending_records = a.backlog_records;
  t.throughput_bytes_per_second = a.bytes_per_second;
  t.deadline_slack = a.min_slack;
  t.oldest_pending_recorded = a.oldest_recorded;
  t.projected_drain = a.items.empty() ? std::nullopt : std::optional<utc_time>(a.projected_drain);
  t.devices_at_risk = 0;
  t.devices_overdue = 0;
  for (const auto& [device, d] : a.devices) {
    if (d.state == alarm_state::at_risk) ++t.devices_at_risk;
    if (d.state == alarm_state::overdue) ++t.devices_overdue;
  }
  for (auto& slot : status.slots) {
    auto parsed = common::record::device_id::parse(slot.device);
    const auto it = parsed ? a.devices.find(*parsed) : a.devices.end();
    if (it == a.devices.end()) {
      slot.pending_bytes = 0;
      slot.pending_records = 0;
      slot.time_to_deadline.reset();
      slot.slack.reset();
      slot.alarm = alarm_state::ok;
      continue;
    }
    const auto& d = it->second;
    slot.pending_bytes = d.pending_bytes;
    slot.pending_records = d.pending_records;
    slot.time_to_deadline = d.earliest_deadline - a.at;
    slot.slack = d.min_slack;
    slot.alarm = d.state;
  }
}

}  // namespace bodycam::ingest::status
