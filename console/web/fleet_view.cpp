// The fleet page's data (fleet_view.hpp, F1-F3).
#include "console/web/fleet_view.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace bodycam::console::web {

namespace audit = tools::audit;

namespace {

constexpr std::chrono::hours deadline{24};

std::string human_bytes(std::uint64_t b) {
  if (b < 1024) return std::to_string(b) + " B";
  const double kib = static_cast<double>(b) / 1024.0;
  char text[32];
  if (kib < 1024.0) std::snprintf(text, sizeof text, "%.1f KiB", kib);
  else std::snprintf(text, sizeof text, "%.1f MiB", kib / 1024.0);
  return text;
}

}  // namespace

dock_reading read_dock_status(const std::string& url, const common::core::expected<std::string>& body) {
  dock_reading out;
  out.row.url = url;
  if (!body) {
    out.row.state = "unreachable: " + body.error().context;
    return out;
  }
  const auto doc = nlohmann::json::parse(*body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != "bodycam-dock-status-v1") {
    out.row.state = "unreachable: the answer is not a dock's status.json (bodycam-dock-status-v1)";
    return out;
  }
  try {
    out.row.reachable = true;
    out.row.state = "answering";
    out.row.dock_id = doc.value("dock_id", "");
    out.row.alarm = doc.value("alarm", "");
    if (doc.contains("totals") && doc["totals"].is_object())
      out.row.pending = std::to_string(doc["totals"].value("pending_records", std::uint64_t{0})) + " records, " +
                        human_bytes(doc["totals"].value("pending_bytes", std::uint64_t{0}));
    if (doc.contains("slots") && doc["slots"].is_array())
      for (const auto& slot : doc["slots"]) {
        if (!slot.is_object() || !slot.contains("device") || !slot["device"].is_string()) continue;
        dock_slot_reading r;
        r.device = slot["device"].get<std::string>();
        r.pending_records = slot.value("pending_records", std::uint64_t{0});
        r.pending_bytes = slot.value("pending_bytes", std::uint64_t{0});
        if (slot.contains("time_to_deadline_seconds") && slot["time_to_deadline_seconds"].is_number())
          r.time_to_deadline = std::chrono::seconds(slot["time_to_deadline_seconds"].get<std::int64_t>());
        r.alarm = slot.value("alarm", "");
        out.slots.push_back(std::move(r));
      }
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type
    out = dock_reading{};
    out.row.url = url;
    out.row.state = std::string("unreachable: status.json does not read: ") + e.what();
  }
  return out;
}

std::vector<fleet_row> build_fleet_rows(const std::vector<audit::fleet_camera>& fleet, const audit::audit_report& report,
                                        const std::vector<dock_reading>& docks, utc_time now) {
  std::vector<fleet_row> rows;
  for (const audit::fleet_camera& cam : fleet) {
    fleet_row row;
    row.device = cam.device;
    row.unit = cam.unit.empty() ? "-" : cam.unit;
    row.officer = "-";
    row.last_docking = "never";
    const auto dev = std::find_if(report.devices.begin(), report.devices.end(),
                                  [&](const audit::device_audit& d) { return d.device.str() == cam.device; });
    if (dev != report.devices.end()) {
      for (auto s = dev->sessions.rbegin(); s != dev->sessions.rend(); ++s)
        if (!s->officer_id.empty()) {
          row.officer = s->officer_id;
          break;
        }
      const audit::receipt_audit* newest = nullptr;
      for (const auto& r : dev->receipts)
        if (newest == nullptr || r.stored_utc > newest->stored_utc) newest = &r;
      if (newest != nullptr) row.last_docking = newest->issuer + " at " + format_time(newest->stored_utc);
    }
    const dock_slot_reading* slot = nullptr;
    std::string slot_dock;
    for (const auto& d : docks)
      for (const auto& s : d.slots)
        if (s.device == cam.device) {
          slot = &s;
          slot_dock = d.row.dock_id;
        }
    bool overdue = cam.state == audit::fleet_state::overdue;  // F2
    row.backlog = "unknown (not docked at an answering dock)";
    row.oldest_unstored = "unknown (not docked)";
    if (slot != nullptr) {
      row.backlog = std::to_string(slot->pending_records) + " records, " + human_bytes(slot->pending_bytes) + " (" +
                    slot_dock + ")";
      if (slot->pending_records == 0) {
        row.oldest_unstored = "none: all stored";
      } else if (slot->time_to_deadline) {  // F3
        row.oldest_unstored = format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(
            deadline - *slot->time_to_deadline));
      }
      if ((slot->time_to_deadline && *slot->time_to_deadline < std::chrono::seconds::zero() &&
           slot->pending_records > 0) ||
          slot->alarm == "overdue")
        overdue = true;
    }
    row.overdue = overdue;
    if (cam.state == audit::fleet_state::overdue)
      row.deadline = "OVERDUE: enrolled " + format_duration(now - cam.enrolled_utc) + " ago, no footage in the store";
    else if (overdue)
      row.deadline = "OVERDUE: footage older than 24 h is not stored yet";
    else if (slot != nullptr && slot->alarm == "at_risk")
      row.deadline = "at risk";
    else
      row.deadline = cam.state == audit::fleet_state::enrolled_never_docked ? "enrolled, never docked"
                     : cam.state == audit::fleet_state::not_in_force       ? "enrollment not in force"
                                                                           : "on time";
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace bodycam::console::web
