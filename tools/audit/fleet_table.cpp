// The fleet table of the audit; states and guarantees in fleet_table.hpp.
#include "tools/audit/fleet_table.hpp"

#include "common/core/html.hpp"
#include "common/record/record_json.hpp"

#include <algorithm>

namespace bodycam::tools::audit {

namespace {

std::string age_text(std::chrono::hours h) {
  return std::to_string(h.count() / 24) + " days, " + std::to_string(h.count() % 24) + " hours ago";
}

std::string time_or_dash(const std::optional<record::utc_time>& t) { return t ? record::format_utc_seconds(*t) : std::string("-"); }

std::string state_text(const fleet_camera& f) {
  switch (f.state) {
    case fleet_state::has_chain: return "has a chain in the store";
    case fleet_state::enrolled_never_docked: return "enrolled, never docked (enrolled " + age_text(f.enrolled_for) + ")";
    case fleet_state::overdue:
      return "OVERDUE camera_overdue: enrolled " + age_text(f.enrolled_for) + ", no footage in the store";
    case fleet_state::not_in_force: return "enrollment not in force (revoked or expired), never docked";
  }
  return "";
}

}  // namespace

std::string_view to_string(fleet_state s) noexcept {
  switch (s) {
    case fleet_state::has_chain: return "has_chain";
    case fleet_state::enrolled_never_docked: return "enrolled_never_docked";
    case fleet_state::overdue: return "overdue";
    case fleet_state::not_in_force: return "not_in_force";
  }
  return "unknown";
}

std::vector<fleet_camera> build_fleet(std::span<const enrollment::grant* const> cameras, const audit_report& report,
                                      record::utc_time now, std::chrono::hours rule) {
  std::vector<fleet_camera> out;
  for (const auto* g : cameras) {
    if (std::any_of(out.begin(), out.end(), [&](const fleet_camera& f) { return f.device == g->subject; })) continue;
    fleet_camera f;
    f.device = g->subject;
    f.entry_seq = g->seq;
    f.unit = g->unit;
    f.enrolled_utc = g->valid_from;
    f.enrolled_for = std::chrono::duration_cast<std::chrono::hours>(now - g->valid_from);
    const auto d = std::find_if(report.devices.begin(), report.devices.end(),
                                [&](const device_audit& a) { return a.device.str() == g->subject; });
    f.has_chain = d != report.devices.end();
    if (f.has_chain) {
      for (const auto& r : d->chain.records)
        if (r.parsed && (!f.newest_record_utc || r.parsed->body.utc.time > *f.newest_record_utc))
          f.newest_record_utc = r.parsed->body.utc.time;
      for (const auto& r : d->receipts)
        if (!f.newest_receipt_utc || r.stored_utc > *f.newest_receipt_utc) f.newest_receipt_utc = r.stored_utc;
      f.state = fleet_state::has_chain;
    } else if (!g->is_in_force(now)) {
      f.state = fleet_state::not_in_force;
    } else {
      f.state = now - g->valid_from >= rule ? fleet_state::overdue : fleet_state::enrolled_never_docked;
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::string> fleet_findings(const std::vector<fleet_camera>& fleet) {
  std::vector<std::string> out;
  for (const auto& f : fleet)
    if (f.state == fleet_state::overdue)
      out.push_back(f.device + ": enrolled " + record::format_utc_seconds(f.enrolled_utc) + " (" + age_text(f.enrolled_for) +
                    "), no footage in the store; footage must reach the store within 24 h");
  return out;
}

std::string render_fleet_text(const std::vector<fleet_camera>& fleet) {
  if (fleet.empty()) return {};
  std::string t = "\nFLEET (every enrolled camera; footage must reach the store within 24 h)\n";
  t += "  camera (entry) | unit | enrolled | newest record | newest receipt | state\n";
  for (const auto& f : fleet)
    t += "  camera " + f.device + " (enrollment/" + std::to_string(f.entry_seq) + ") | " +
         (f.unit.empty() ? std::string("-") : f.unit) + " | " + record::format_utc_seconds(f.enrolled_utc) + " | " +
         time_or_dash(f.newest_record_utc) + " | " + time_or_dash(f.newest_receipt_utc) + " | " + state_text(f) + "\n";
  const auto overdue = std::count_if(fleet.begin(), fleet.end(),
                                     [](const fleet_camera& f) { return f.state == fleet_state::overdue; });
  if (overdue > 0)
    t += "  " + std::to_string(overdue) + " camera" + (overdue == 1 ? " is" : "s are") +
         " overdue: enrolled more than 24 h ago with no footage in the store. Dock " + (overdue == 1 ? "it" : "them") +
         ", or revoke the enrollment of a camera out of service.\n";
  return t;
}

nlohmann::json render_fleet_json(const std::vector<fleet_camera>& fleet) {
  auto rows = nlohmann::json::array();
  for (const auto& f : fleet) {
    const auto optional_time = [](const std::optional<record::utc_time>& t) {
      return t ? nlohmann::json(record::format_utc(*t)) : nlohmann::json(nullptr);
    };
    rows.push_back({{"device", f.device},
                    {"entry", f.entry_seq},
                    {"unit", f.unit},
                    {"enrolled_utc", record::format_utc(f.enrolled_utc)},
                    {"enrolled_hours", f.enrolled_for.count()},
                    {"newest_record_utc", optional_time(f.newest_record_utc)},
                    {"newest_receipt_utc", optional_time(f.newest_receipt_utc)},
                    {"state", std::string(to_string(f.state))}});
  }
  return rows;
}

std::string render_fleet_html(const std::vector<fleet_camera>& fleet) {
  if (fleet.empty()) return {};
  std::string h = "<h2>Fleet</h2>\n<p>Every enrolled camera; footage must reach the store within 24 h.</p>\n"
                  "<table><tr><th>camera</th><th>unit</th><th>enrolled</th><th>newest record</th>"
                  "<th>newest receipt</th><th>state</th></tr>\n";
  for (const auto& f : fleet)
    h += "<tr" + std::string(f.state == fleet_state::overdue ? " class=\"bad\"" : "") + "><td>" +
         common::core::escape_html(f.device) + "</td><td>" + common::core::escape_html(f.unit) + "</td><td>" +
         record::format_utc_seconds(f.enrolled_utc) + "</td><td>" + time_or_dash(f.newest_record_utc) + "</td><td>" +
         time_or_dash(f.newest_receipt_utc) + "</td><td>" + common::core::escape_html(state_text(f)) + "</td></tr>\n";
  return h + "</table>\n";
}

}  // namespace bodycam::tools::audit
