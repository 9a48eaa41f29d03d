// The dock's status page (render_html, R3 and R5 in status_renderers.hpp): one self-contained HTML page for
// the office. Pure. Each slot says what is true: a slot with no camera says "no camera docked" (grey, no bar,
// no OK); a refusal or failure is a red headline with its reason, not small print; progress is shown only for
// a camera that is docked; "OK" only where a camera or its pending footage is known. The totals name the
// time they count from, the throughput says whether it is measured (and over which files) or the configured
// assumption, and the store says up or down and since when.
#include "ingest/status/status_renderers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bodycam::ingest::status {

namespace {

std::string human_bytes(std::uint64_t bytes) {
  char text[32];
  const auto b = static_cast<double>(bytes);
  if (bytes < 1000)
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  else if (b < 1e6)
    std::snprintf(text, sizeof text, "%.1f kB", b / 1e3);
  else if (b < 1e9)
    std::snprintf(text, sizeof text, "%.1f MB", b / 1e6);
  else
    std::snprintf(text, sizeof text, "%.2f GB", b / 1e9);
  return text;
}

std::string deadline_text(const std::optional<std::chrono::nanoseconds>& d) {
  if (!d) return "—";
  if (*d < std::chrono::nanoseconds::zero()) return "overdue by " + format_duration(-*d);
  return "in " + format_duration(*d);
}

std::string alarm_words(alarm_state a) {
  switch (a) {
    case alarm_state::ok: return "OK";
    case alarm_state::at_risk: return "AT RISK";
    case alarm_state::overdue: return "OVERDUE";
  }
  return "?";
}

std::string since_text(const std::optional<utc_time>& t) { return t ? " since " + format_utc(*t) : std::string(); }

bool has_pending(const slot_status& s) { return s.pending_bytes > 0 || s.pending_records > 0; }

// The row's colour: red for a refusal or failure, grey without a camera, else the deadline alarm's colour
// where there is a camera or footage to judge, neutral otherwise.
std::string row_class(const slot_status& s) {
  if (s.presence == slot_presence::refused || s.presence == slot_presence::failed) return "refused";
  if (s.alarm != alarm_state::ok) return std::string(schedule::to_string(s.alarm));
  if (s.presence == slot_presence::absent) return "absent";
  if (s.presence == slot_presence::docked || has_pending(s)) return "ok";
  return "none";
}

// The "Camera state" cell: what is (or is not) in the slot, since when, and why, in full size.
std::string presence_cell(const slot_status& s) {
  const std::string why = s.last_error.empty() ? std::string() : "<br>" + escape_html(s.last_error);
  switch (s.presence) {
    case slot_presence::not_checked: return "not checked yet";
    case slot_presence::docked:
      if (s.connected) return "docked, link up" + escape_html(since_text(s.presence_since));
      return "docked; last docking ended well" +
             (s.presence_since ? " at " + escape_html(format_utc(*s.presence_since)) : std::string());
    case slot_presence::absent:
      return "<strong>no camera docked</strong>" + escape_html(since_text(s.presence_since)) + why;
    case slot_presence::refused: return "<strong>REFUSED</strong>" + escape_html(since_text(s.presence_since)) + why;
    case slot_presence::failed:
      return "<strong>DOCKING FAILED</strong>" + escape_html(since_text(s.presence_since)) + why;
  }
  return "?";
}

std::string progress_cell(const slot_status& s) {
  if (s.presence != slot_presence::docked) return "—";
  if (s.total_bytes == 0) return "nothing to store";
  const int percent = static_cast<int>(std::lround(s.progress() * 100));
  return R"(<span class="bar"><span class="fill" style="display:block;width:)" + std::to_string(percent) +
         "%\"></span></span> " + std::to_string(percent) + " %";
}

// The deadline verdict: an alarm always shows; "OK" only where there is a camera or footage to judge.
std::string verdict_cell(const slot_status& s) {
  if (s.alarm != alarm_state::ok) return alarm_words(s.alarm);
  if (has_pending(s)) return "OK";
  if (s.presence == slot_presence::docked) return "OK, nothing pending";
  return "—";
}

std::string store_text(const dock_status& s) {
  std::string text;
  if (!s.store_available)
    text = "DOWN" + since_text(s.store_since) + " (store unavailable): " + s.store_error;
  else if (!s.store_since)
    text = "not checked yet";
  else
    text = "up" + since_text(s.store_since);
  if (s.store_checked) text += " (last checked " + format_utc(*s.store_checked) + ")";
  return text;
}

std::string throughput_text(const status_totals& t) {
  const std::string rate = human_bytes(static_cast<std::uint64_t>(std::max(0.0, t.throughput_bytes_per_second))) + "/s";
  if (!t.throughput_measured) return rate + ", assumed (configured): no file stored since the start yet";
  std::string text = rate + ", measured: moving average over " + std::to_string(t.throughput_samples) +
                     (t.throughput_samples == 1 ? " file" : " files") + " stored";
  if (t.throughput_window_start && t.throughput_window_end)
    text += " from " + format_utc(*t.throughput_window_start) + " to " + format_utc(*t.throughput_window_end) +
            ", newest weighted most";
  return text;
}

}  // namespace

std::string render_html(const dock_status& s) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"refresh\" content=\"10\">\n";
  h += "<title>Dock " + escape_html(s.dock_id) + " — " + alarm_words(s.alarm) +
       (s.store_available ? "" : ", store down") + "</title>\n";
  h += "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
       "td,th{border:1px solid #999;padding:.3em .6em;text-align:left}th{background:#eee}"
       ".ok{background:#d9f2d9}.at_risk{background:#fff2b3}.overdue,.refused,.down{background:#f7c6c6}"
       ".absent{background:#e4e4e4;color:#333}.none{background:#fff}"
       ".bar{width:8em;height:.8em;border:1px solid #666;display:inline-block}"
       ".fill{height:100%;background:#4a8}</style></head><body>\n";
  h += "<h1>Docking station " + escape_html(s.dock_id) + "</h1>\n";
  h += "<p class=\"" + std::string(schedule::to_string(s.alarm)) + "\"><strong>Deadlines: " + alarm_words(s.alarm) +
       "</strong>" + (s.totals.pending_records == 0 && s.totals.pending_bytes == 0 ? " (nothing waiting)" : "") +
       "</p>\n";
  h += "<p class=\"" + std::string(s.store_available ? "none" : "down") +
       "\"><strong>Store: " + escape_html(store_text(s)) + "</strong></p>\n";
  h += "<p>Updated " + escape_html(format_utc(s.generated_utc)) + " (UTC); running since " +
       escape_html(format_utc(s.started_utc)) + ". This page refreshes every 10 seconds.</p>\n";
  h += "<table><tr><th>Slot</th><th>Camera</th><th>Camera state</th><th>Battery</th><th>Activity</th>"
       "<th>Pending</th><th>Progress</th><th>Deadline</th><th>Status</th></tr>\n";
  for (const auto& slot : s.slots) {
    const bool docked = slot.presence == slot_presence::docked;
    h += "<tr class=\"" + row_class(slot) + "\"><td>" + escape_html(slot.slot) + "</td><td>" +
         (slot.device.empty() ? "—" : escape_html(slot.device)) + "</td><td>" + presence_cell(slot) + "</td><td>" +
         (docked && slot.battery_percent ? std::to_string(*slot.battery_percent) + " %" : "—") + "</td><td>" +
         escape_html(slot.activity) + "</td><td>" +
         (slot.device.empty() && !has_pending(slot)
              ? std::string("—")
              : human_bytes(slot.pending_bytes) + " (" + std::to_string(slot.pending_records) + " records)") +
         "</td><td>" + progress_cell(slot) + "</td><td>" + escape_html(deadline_text(slot.time_to_deadline)) +
         "</td><td>" + verdict_cell(slot) + "</td></tr>\n";
  }
  if (s.slots.empty()) h += "<tr><td colspan=\"9\">No slots configured.</td></tr>\n";
  h += "</table>\n";
  const auto& t = s.totals;
  h += "<h2>Totals</h2>\n<table>\n";
  auto row = [&h](std::string_view name, const std::string& value) {
    h += "<tr><th>" + escape_html(name) + "</th><td>" + escape_html(value) + "</td></tr>\n";
  };
  const std::string since = " since " + format_utc(s.started_utc) + " (daemon start)";
  row("Stored" + since, human_bytes(t.bytes_stored) + ", " + std::to_string(t.records_stored) + " records, " +
                            std::to_string(t.objects_stored) + " files");
  row("Waiting now", human_bytes(t.pending_bytes) + ", " + std::to_string(t.pending_records) + " records");
  row("Oldest waiting", t.oldest_pending_recorded
                            ? "recorded " + format_utc(*t.oldest_pending_recorded) + " (" +
                                  format_duration(s.generated_utc - *t.oldest_pending_recorded) + " ago)"
                            : std::string("—"));
  row("Smallest deadline slack", t.deadline_slack ? format_duration(*t.deadline_slack) : std::string("—"));
  row("Projected done", t.projected_drain ? format_utc(*t.projected_drain) : std::string("—"));
  row("Throughput", throughput_text(t));
  row("Verification failures" + since,
      std::to_string(t.verify_failures) + " (" + std::to_string(t.quarantined_files) + " files in quarantine)");
  row("Receipts issued" + since, std::to_string(t.receipts_issued));
  h += "</table>\n";
  if (!s.witnesses.empty()) {  // a witness's alarm is its own: it never holds footage
    h += "<h2>Witnesses</h2>\n<table><tr><th>Witness</th><th>URL</th><th>State</th><th>Cosigned size</th>"
         "<th>Last error</th></tr>\n";
    for (const auto& w : s.witnesses)
      h += "<tr class=\"" + std::string(w.alarm.empty() ? "none" : "refused") + "\"><td>" + escape_html(w.name) +
           "</td><td>" + escape_html(w.url) + "</td><td>" + escape_html(w.alarm.empty() ? w.state : w.alarm) +
           "</td><td>" + (w.cosigned_size ? std::to_string(*w.cosigned_size) : std::string("—")) + "</td><td>" +
           escape_html(w.last_error) + "</td></tr>\n";
    h += "</table>\n";
  }
  h += "<p><a href=\"/status.json\">status.json</a> · <a href=\"/metrics\">metrics</a></p>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace bodycam::ingest::status
