// JSON, Prometheus text and HTML renderings of a dock_status, and the router of the status server
// (guarantees R1-R4 in status_renderers.hpp). Pure: the only inputs are the snapshot and the request line.
#include "ingest/status/status_renderers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace bodycam::ingest::status {

using std::chrono::nanoseconds;

namespace {

std::int64_t whole_seconds(nanoseconds d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

double unix_seconds(utc_time t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

nlohmann::json optional_seconds(const std::optional<nanoseconds>& d) {
  return d ? nlohmann::json(whole_seconds(*d)) : nlohmann::json(nullptr);
}

nlohmann::json optional_time(const std::optional<utc_time>& t) {
  return t ? nlohmann::json(format_utc(*t)) : nlohmann::json(nullptr);
}

// A number as Prometheus writes it: integers without a fraction, others with enough digits to round-trip.
std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[40];
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    std::snprintf(text, sizeof text, "%.0f", value);
  else
    std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}
std::string number(std::uint64_t value) { return std::to_string(value); }
std::string number(std::int64_t value) { return std::to_string(value); }

class metrics_writer {
 public:
  // R2: HELP and TYPE once, before the samples.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, const std::string& value, std::string_view labels = {}) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string slot_labels(const slot_status& s) {
  return "slot=\"" + escape_label_value(s.slot) + "\",device=\"" + escape_label_value(s.device) + "\"";
}

}  // namespace

std::string format_utc(utc_time t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const auto tt = static_cast<std::time_t>(seconds.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string format_duration(nanoseconds d) {
  const bool negative = d < nanoseconds::zero();
  const auto total = std::chrono::duration_cast<std::chrono::seconds>(negative ? -d : d).count();
  char text[48];
  if (total < 60)
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(total));
  else if (total < 3600)
    std::snprintf(text, sizeof text, "%lld min", static_cast<long long>(total / 60));
  else
    std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(total / 3600),
                  static_cast<long long>(total % 3600 / 60));
  return (negative && total > 0 ? "-" : "") + std::string(text);
}

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string render_json(const dock_status& s) {
  nlohmann::json slots = nlohmann::json::array();
  for (const auto& slot : s.slots) {
    slots.push_back({
        {"slot", slot.slot},
        {"device", slot.device.empty() ? nlohmann::json(nullptr) : nlohmann::json(slot.device)},
        {"presence", to_string(slot.presence)},
        {"presence_since_utc", optional_time(slot.presence_since)},
        {"connected", slot.connected},
        {"battery_percent", slot.battery_percent ? nlohmann::json(*slot.battery_percent) : nlohmann::json(nullptr)},
        {"activity", slot.activity},
        {"pending_bytes", slot.pending_bytes},
        {"pending_records", slot.pending_records},
        {"done_bytes", slot.done_bytes},
        {"total_bytes", slot.total_bytes},
        {"progress",
         slot.presence == slot_presence::docked ? nlohmann::json(slot.progress()) : nlohmann::json(nullptr)},
        {"time_to_deadline_seconds", optional_seconds(slot.time_to_deadline)},
        {"slack_seconds", optional_seconds(slot.slack)},
        {"alarm", schedule::to_string(slot.alarm)},
        {"last_error", slot.last_error},
    });
  }
  nlohmann::json witnesses = nlohmann::json::array();
  for (const auto& w : s.witnesses) {
    witnesses.push_back({
        {"name", w.name},
        {"url", w.url},
        {"state", w.state},
        {"alarm", w.alarm.empty() ? nlohmann::json(nullptr) : nlohmann::json(w.alarm)},
        {"cosigned_size", w.cosigned_size ? nlohmann::json(*w.cosigned_size) : nlohmann::json(nullptr)},
        {"since_utc", optional_time(w.since)},
        {"checked_utc", optional_time(w.checked)},
        {"last_error", w.last_error},
    });
  }
  const auto& t = s.totals;
  nlohmann::json doc = {
      {"format", "bodycam-dock-status-v1"},
      {"dock_id", s.dock_id},
      {"version", s.version},
      {"generated_utc", format_utc(s.generated_utc)},
      {"started_utc", format_utc(s.started_utc)},
      {"alarm", schedule::to_string(s.alarm)},
      {"store",
       {{"available", s.store_available},
        {"error", s.store_error},
        {"alarm", s.store_alarm.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.store_alarm)},
        {"since_utc", optional_time(s.store_since)},
        {"checked_utc", optional_time(s.store_checked)}}},
      {"totals",
       {
           {"counted_since_utc", format_utc(s.started_utc)},
           {"bytes_stored", t.bytes_stored},
           {"records_stored", t.records_stored},
           {"objects_stored", t.objects_stored},
           {"verify_failures", t.verify_failures},
           {"quarantined_files", t.quarantined_files},
           {"receipts_issued", t.receipts_issued},
           {"pending_bytes", t.pending_bytes},
           {"pending_records", t.pending_records},
           {"throughput_bytes_per_second", t.throughput_bytes_per_second},
           {"throughput_source", t.throughput_measured ? "measured" : "assumed"},
           {"throughput_samples", t.throughput_samples},
           {"throughput_window_start_utc", optional_time(t.throughput_window_start)},
           {"throughput_window_end_utc", optional_time(t.throughput_window_end)},
           {"deadline_slack_seconds", optional_seconds(t.deadline_slack)},
           {"oldest_pending_recorded_utc", optional_time(t.oldest_pending_recorded)},
           {"oldest_pending_age_seconds",
            t.oldest_pending_recorded ? nlohmann::json(whole_seconds(s.generated_utc - *t.oldest_pending_recorded))
                                      : nlohmann::json(nullptr)},
           {"projected_drain_utc", optional_time(t.projected_drain)},
           {"devices_at_risk", t.devices_at_risk},
           {"devices_overdue", t.devices_overdue},
       }},
      {"slots", std::move(slots)},
      {"witnesses", std::move(witnesses)},
  };
  // Invalid UTF-8 in a device-supplied string is replaced, never a throw (R1).
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_metrics(const dock_status& s) {
  metrics_writer m;
  const auto& t = s.totals;
  const std::string dock = "dock=\"" + escape_label_value(s.dock_id) + "\"";
  m.family("bodycam_dock_info", "gauge", "Constant 1; labels name the dock and its version.");
  m.sample("bodycam_dock_info", "1", dock + ",version=\"" + escape_label_value(s.version) + "\"");
  m.family("bodycam_dock_start_time_seconds", "gauge", "When the dock daemon started, Unix seconds.");
  m.sample("bodycam_dock_start_time_seconds", number(std::floor(unix_seconds(s.started_utc))));
  m.family("bodycam_dock_bytes_stored_total", "counter",
           "Bytes stored and re-hashed in the store since the daemon started (bodycam_dock_start_time_seconds).");
  m.sample("bodycam_dock_bytes_stored_total", number(t.bytes_stored));
  m.family("bodycam_dock_records_stored_total", "counter", "Records verified and stored since the daemon started.");
  m.sample("bodycam_dock_records_stored_total", number(t.records_stored));
  m.family("bodycam_dock_objects_stored_total", "counter",
           "Files (segments, annotations) stored since the daemon started.");
  m.sample("bodycam_dock_objects_stored_total", number(t.objects_stored));
  m.family("bodycam_dock_verify_failures_total", "counter",
           "Records or files refused by verification since the daemon started.");
  m.sample("bodycam_dock_verify_failures_total", number(t.verify_failures));
  m.family("bodycam_dock_quarantined_files_total", "counter", "Files put in quarantine since the daemon started.");
  m.sample("bodycam_dock_quarantined_files_total", number(t.quarantined_files));
  m.family("bodycam_dock_receipts_issued_total", "counter",
           "Signed receipts written to the store since the daemon started.");
  m.sample("bodycam_dock_receipts_issued_total", number(t.receipts_issued));
  m.family("bodycam_dock_pending_bytes", "gauge", "Bytes queued and not yet stored.");
  m.sample("bodycam_dock_pending_bytes", number(t.pending_bytes));
  m.family("bodycam_dock_pending_records", "gauge", "Records queued and not yet stored.");
  m.sample("bodycam_dock_pending_records", number(t.pending_records));
  m.family("bodycam_dock_throughput_bytes_per_second", "gauge",
           "Store throughput the scheduler projects with: measured (EWMA) if bodycam_dock_throughput_measured is 1, "
           "else the configured assumption.");
  m.sample("bodycam_dock_throughput_bytes_per_second", number(t.throughput_bytes_per_second));
  m.family("bodycam_dock_throughput_measured", "gauge",
           "1 once a stored file has measured the throughput, 0 while it is the configured assumption.");
  m.sample("bodycam_dock_throughput_measured", t.throughput_measured ? "1" : "0");
  m.family("bodycam_dock_throughput_samples_total", "counter", "Stored files that measured the throughput.");
  m.sample("bodycam_dock_throughput_samples_total", number(t.throughput_samples));
  m.family("bodycam_dock_deadline_slack_seconds", "gauge",
           "Smallest projected slack to a deadline over pending items; negative: projected late. Absent when "
           "nothing is pending.");
  if (t.deadline_slack) m.sample("bodycam_dock_deadline_slack_seconds", number(whole_seconds(*t.deadline_slack)));
  m.family("bodycam_dock_oldest_pending_age_seconds", "gauge",
           "Age of the oldest pending item's recording. Absent when nothing is pending.");
  if (t.oldest_pending_recorded)
    m.sample("bodycam_dock_oldest_pending_age_seconds",
             number(whole_seconds(s.generated_utc - *t.oldest_pending_recorded)));
  m.family("bodycam_dock_alarm", "gauge", "1 for the dock's current deadline alarm state, 0 for the others.");
  for (auto a : {alarm_state::ok, alarm_state::at_risk, alarm_state::overdue})
    m.sample("bodycam_dock_alarm", s.alarm == a ? "1" : "0", "state=\"" + std::string(schedule::to_string(a)) + "\"");
  m.family("bodycam_dock_devices_at_risk", "gauge", "Devices in the at_risk alarm state.");
  m.sample("bodycam_dock_devices_at_risk", number(t.devices_at_risk));
  m.family("bodycam_dock_devices_overdue", "gauge", "Devices in the overdue alarm state.");
  m.sample("bodycam_dock_devices_overdue", number(t.devices_overdue));
  m.family("bodycam_dock_store_available", "gauge", "1 while the store accepts writes, 0 during an outage.");
  m.sample("bodycam_dock_store_available", s.store_available ? "1" : "0");
  m.family("bodycam_dock_store_state_since_seconds", "gauge",
           "Since when bodycam_dock_store_available has had its value, Unix seconds. Absent until first checked.");
  if (s.store_since)
    m.sample("bodycam_dock_store_state_since_seconds", number(std::floor(unix_seconds(*s.store_since))));
  m.family("bodycam_dock_store_checked_seconds", "gauge", "When the store was last checked, Unix seconds.");
  if (s.store_checked)
    m.sample("bodycam_dock_store_checked_seconds", number(std::floor(unix_seconds(*s.store_checked))));

  m.family("bodycam_dock_slot_presence", "gauge",
           "1 for what the dock last learnt about the slot (docked, absent: no camera, refused, failed, not_checked), "
           "0 for the others.");
  for (const auto& slot : s.slots)
    for (auto p : {slot_presence::not_checked, slot_presence::docked, slot_presence::absent, slot_presence::refused,
                   slot_presence::failed})
      m.sample("bodycam_dock_slot_presence", slot.presence == p ? "1" : "0",
               slot_labels(slot) + ",presence=\"" + std::string(to_string(p)) + "\"");

  m.family("bodycam_dock_slot_connected", "gauge", "1 while a camera in this slot has a link connection up.");
  for (const auto& slot : s.slots)
    m.sample("bodycam_dock_slot_connected", slot.connected ? "1" : "0", slot_labels(slot));
  m.family("bodycam_dock_slot_battery_percent", "gauge", "Battery of the camera in this slot, if it reported it.");
  for (const auto& slot : s.slots)
    if (slot.battery_percent)
      m.sample("bodycam_dock_slot_battery_percent", number(std::int64_t{*slot.battery_percent}), slot_labels(slot));
  m.family("bodycam_dock_slot_pending_bytes", "gauge", "Bytes of this slot's camera not yet stored.");
  for (const auto& slot : s.slots)
    m.sample("bodycam_dock_slot_pending_bytes", number(slot.pending_bytes), slot_labels(slot));
  m.family("bodycam_dock_slot_pending_records", "gauge", "Records of this slot's camera not yet stored.");
  for (const auto& slot : s.slots)
    m.sample("bodycam_dock_slot_pending_records", number(slot.pending_records), slot_labels(slot));
  m.family("bodycam_dock_slot_progress_ratio", "gauge",
           "Share of this docking's bytes already stored, 0 to 1. Only while a camera is docked.");
  for (const auto& slot : s.slots)
    if (slot.presence == slot_presence::docked)
      m.sample("bodycam_dock_slot_progress_ratio", number(slot.progress()), slot_labels(slot));
  m.family("bodycam_dock_slot_deadline_seconds", "gauge",
           "Time to the earliest deadline of this slot's pending items; negative: overdue.");
  for (const auto& slot : s.slots)
    if (slot.time_to_deadline)
      m.sample("bodycam_dock_slot_deadline_seconds", number(whole_seconds(*slot.time_to_deadline)), slot_labels(slot));
  m.family("bodycam_dock_slot_alarm_state", "gauge", "Alarm state of this slot's camera: 0 ok, 1 at_risk, 2 overdue.");
  for (const auto& slot : s.slots)
    m.sample("bodycam_dock_slot_alarm_state", number(static_cast<std::int64_t>(slot.alarm)), slot_labels(slot));
  return m.take();
}

status_reply route_status_request(std::string_view method, std::string_view target, const dock_status& status) {
  if (method != "GET" && method != "HEAD")
    return {405, "text/plain; charset=utf-8", "405 method not allowed: use GET\n"};
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/") return {200, std::string(html_content_type), render_html(status)};
  if (path == "/status.json") return {200, std::string(json_content_type), render_json(status)};
  if (path == "/metrics") return {200, std::string(metrics_content_type), render_metrics(status)};
  return {404, "text/plain; charset=utf-8", "404 not found: try /, /status.json or /metrics\n"};
}

status_reply malformed_request_reply(std::string_view why) {
  std::string text(why.substr(0, 200));
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return {400, "text/plain; charset=utf-8", "400 bad request: " + text + "\n"};
}

status_reply oversized_request_reply() { return {413, "text/plain; charset=utf-8", "413 request too large\n"}; }

}  // namespace bodycam::ingest::status
