// The audit page's verdict words, timelines and session sections (render_html_parts.hpp).
#include "tools/audit/render_html_parts.hpp"

#include "common/core/html.hpp"
#include "common/record/place_text.hpp"
#include "common/record/record_json.hpp"
#include "tools/audit/render.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace bodycam::tools::audit::html {

using common::core::escape_html;
using common::record::format_utc;
using common::record::utc_time;

namespace {

constexpr double chart_left = 170;
constexpr double chart_width = 660;
constexpr double row_height = 58;
constexpr int axis_ticks = 5;

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

struct time_axis {
  utc_time first{};
  utc_time last{};
  [[nodiscard]] double x(utc_time t) const {
    const double span = std::chrono::duration<double>(last - first).count();
    const double at = std::chrono::duration<double>(t - first).count();
    return chart_left + (span > 0 ? std::clamp(at / span, 0.0, 1.0) : 0.5) * chart_width;
  }
  [[nodiscard]] utc_time at(double fraction) const {
    return first + std::chrono::duration_cast<std::chrono::nanoseconds>((last - first) * fraction);
  }
};

utc_time recording_end(const session_audit& s) {
  utc_time end = s.stop_utc ? *s.stop_utc : s.start_utc;
  for (const auto& o : s.segments) end = std::max(end, o.recorded_utc);
  return end;
}

// One shift's axis: its recording span with a little margin, so the recording fills the chart; a storage
// time past the end is drawn at the right edge and labelled with the delay.
time_axis axis_of(const session_audit& s) {
  utc_time last = recording_end(s);
  for (const auto& g : s.gaps) last = std::max(last, g.to);
  for (const auto& st : s.statements) last = std::max(last, st.file.recorded_utc);
  const auto span = std::max<std::chrono::nanoseconds>(last - s.start_utc, std::chrono::minutes(1));
  return {s.start_utc - span / 30, last + span / 30};
}

std::string rect(double x1, double x2, double y, double h, std::string_view colour, const std::string& title) {
  const double w = std::max(x2 - x1, 4.0);
  return "<rect x=\"" + num(x1) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" fill=\"" +
         std::string(colour) + "\"><title>" + escape_html(title) + "</title></rect>\n";
}

// Ticks with wall-clock times (HH:MM:SS UTC) under the row, the first and last with the date.
std::string axis_ticks_svg(const time_axis& axis, double y) {
  std::string svg = "<line x1=\"" + num(chart_left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(chart_left + chart_width) +
                    "\" y2=\"" + num(y) + "\" stroke=\"#999\"/>\n";
  for (int i = 0; i <= axis_ticks; ++i) {
    const double fraction = static_cast<double>(i) / axis_ticks;
    const utc_time t = axis.at(fraction);
    const double x = chart_left + fraction * chart_width;
    const std::string full = format_utc(t);
    const std::string label = full.substr(11, 8);
    svg += "<line x1=\"" + num(x) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x) + "\" y2=\"" + num(y + 4) +
           "\" stroke=\"#999\"/>\n<text x=\"" + num(x) + "\" y=\"" + num(y + 14) +
           "\" class=\"axis\" text-anchor=\"middle\">" + label + "</text>\n";
  }
  return svg;
}

std::string gap_outcome_words(const gap_audit& g) {
  switch (g.outcome) {
    case interruption_outcome::explained: return "Explained: the officer's resume statement of its own follows.";
    case interruption_outcome::unexplained:
      return "NOT explained: recording resumed without a resume statement for this interruption.";
    case interruption_outcome::closed_for_good: return "The camera ended the session here; it was not resumed.";
    case interruption_outcome::recording_went_on: return "Recording went on; nothing was lost and nothing needs explaining.";
    case interruption_outcome::not_resumed: return "Nothing of the session follows in this store (yet).";
  }
  return "";
}

std::string words(std::string_view code) {
  std::string out(code);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string segment_state_cell(const object_audit& o) {
  std::string text = std::string(to_string(o.state));
  if (o.state == object_state::expired) text += " (deleted under the retention policy)";
  if (!o.detail.empty() && o.state != object_state::expired) text += " (" + o.detail + ")";
  std::string out = escape_html(text);
  if (o.salvaged)
    out += "<br><span class=\"mark-salvaged\">SALVAGED after a power loss" +
           (o.unsigned_tail_bytes > 0 ? ": " + std::to_string(o.unsigned_tail_bytes) + " bytes after the last signed "
                                        "fragment are covered by no hash"
                                      : std::string(": every fragment kept is signed")) +
           "</span>";
  else if (o.unsigned_tail_bytes > 0)
    out += "<br><span class=\"mark-salvaged\">" + std::to_string(o.unsigned_tail_bytes) +
           " bytes after the last signed fragment are covered by no hash</span>";
  return out;
}

}  // namespace

verdict_words words_for(chain::verdict v) noexcept {
  switch (v) {
    case chain::verdict::authentic:
      return {"v-authentic", "Authentic",
              "Every record verifies under the device's key, none is missing, and every file matches its record."};
    case chain::verdict::authentic_with_gaps:
      return {"v-gaps", "Authentic, with documented gaps",
              "Every record verifies and none is missing; the camera itself recorded the gaps listed below when they "
              "happened (power loss, automatic stops, salvaged segments)."};
    case chain::verdict::cannot_verify:
      return {"v-cannot", "Cannot be verified",
              "Something the check needs is missing or unreadable (a device's key, or records in a version this "
              "program does not read); the reasons are listed below. This alone is no finding of tampering."};
    case chain::verdict::not_authentic:
      return {"v-not", "NOT authentic",
              "Records or files were changed, removed or added after the camera signed them; do not rely on what "
              "is listed below."};
  }
  return {"v-not", "NOT authentic", ""};
}

std::string short_utc(utc_time t) { return format_utc(t).substr(0, 10) + " " + format_utc(t).substr(11, 8) + "Z"; }

std::string duration_words(std::chrono::nanoseconds d) {
  const double seconds = std::chrono::duration<double>(d).count();
  if (seconds < 120) return num(seconds) + " s";
  if (seconds < 7200) return num(seconds / 60) + " min";
  return num(seconds / 3600) + " h";
}

std::string timeline(const device_audit& d) {
  const double height = 8 + row_height * static_cast<double>(d.sessions.size());
  std::string svg = "<svg class=\"timeline\" viewBox=\"0 0 1010 " + num(height) + "\" width=\"1010\" height=\"" +
                    num(height) + "\" role=\"img\" aria-label=\"timeline of " + escape_html(d.device.str()) + "\">\n";
  double y = 4;
  for (const auto& s : d.sessions) {
    const time_axis axis = axis_of(s);
    svg += "<text x=\"4\" y=\"" + num(y + 16) + "\" class=\"label\">" + escape_html(s.session.to_hex().substr(0, 8)) +
           " " + escape_html(s.officer_id) + "</text>\n";
    svg += "<text x=\"4\" y=\"" + num(y + 30) + "\" class=\"axis\">" + format_utc(s.start_utc).substr(0, 10) + "</text>\n";
    svg += axis_ticks_svg(axis, y + 34);
    const utc_time end = recording_end(s);
    svg += rect(axis.x(s.start_utc), axis.x(end), y + 8, 16, html_recording_colour,
                "recording " + short_utc(s.start_utc) + " .. " + short_utc(end));
    for (const auto& g : s.gaps)
      svg += rect(axis.x(g.from), axis.x(g.to), y + 4, 24, html_gap_colour,
                  "gap: " + std::string(common::record::to_string(g.reason)) + " " + g.detail);
    for (const auto& st : s.statements)
      svg += "<circle cx=\"" + num(axis.x(st.file.recorded_utc)) + "\" cy=\"" + num(y + 16) + "\" r=\"6\" fill=\"" +
             std::string(html_statement_colour) + "\"><title>" +
             escape_html(std::string(common::record::to_string(st.purpose)) +
                         " statement: " + std::string(common::record::to_string(st.status))) +
             "</title></circle>\n";
    std::optional<std::chrono::nanoseconds> worst_delay;
    bool late = false;
    for (const auto& o : s.segments) {
      late = late || o.late;
      if (!o.stored_utc || !o.upload_delay) continue;
      worst_delay = std::max(worst_delay.value_or(*o.upload_delay), *o.upload_delay);
      svg += "<line x1=\"" + num(axis.x(o.recorded_utc)) + "\" y1=\"" + num(y + 27) + "\" x2=\"" +
             num(axis.x(*o.stored_utc)) + "\" y2=\"" + num(y + 27) + "\" stroke=\"" + std::string(html_stored_colour) +
             "\" stroke-dasharray=\"3 2\"><title>" + escape_html(o.file_name + (o.late ? " stored LATE" : " stored")) +
             "</title></line>\n";
      svg += rect(axis.x(*o.stored_utc) - 2, axis.x(*o.stored_utc) + 2, y + 22, 10, html_stored_colour,
                  "docked, stored " + short_utc(*o.stored_utc));
    }
    const std::string delay_text = worst_delay ? "stored after " + duration_words(*worst_delay) : "no receipt";
    svg += "<text x=\"" + num(chart_left + chart_width + 6) + "\" y=\"" + num(y + 20) + "\" class=\"label" +
           (late ? " late" : "") + "\">" + delay_text + (late ? " LATE" : "") + "</text>\n";
    y += row_height;
  }
  svg += "</svg>\n";
  return svg;
}

std::string session_section(const session_audit& s) {
  std::string officers;
  for (const auto& o : s.officers()) officers += (officers.empty() ? "" : ", ") + o;
  std::string html = "<section class=\"session\">\n<h3>Session " + escape_html(s.session.to_hex()) + "</h3>\n<p>";
  html += "Officers: " + escape_html(officers.empty() ? std::string("none assigned") : officers) + ". ";
  html += "Recorded " + short_utc(s.start_utc) + " to " +
          (s.stop_utc ? short_utc(*s.stop_utc) : std::string("(still open in this store)"));
  if (s.stop_reason)
    html += ", stopped: " + escape_html(words(common::record::to_string(*s.stop_reason))) +
            (s.stop_detail.empty() ? "" : " (" + escape_html(s.stop_detail) + ")");
  html += ". Records " + std::to_string(s.first_seq) + " to " + std::to_string(s.last_seq) + ". Look-back (pre-event) " +
          duration_words(s.pre_event) + ".</p>\n";
  for (const auto& r : s.resumes)
    html += "<p>Resumed at " + short_utc(r.utc) + " (record " + std::to_string(r.seq) + ") after the automatic stop at record " +
            std::to_string(r.resumes_seq) + ".</p>\n";

  if (s.gaps.empty()) {
    html += "<p>No interruptions.</p>\n";
  } else {
    html += "<h4>Interruptions</h4>\n<ol class=\"gaps\">\n";
    for (const auto& g : s.gaps) {
      const bool bad = g.outcome == interruption_outcome::unexplained;
      html += "<li" + std::string(bad ? " class=\"bad\"" : "") + "><b>" +
              escape_html(words(common::record::to_string(g.reason))) + "</b>, " + short_utc(g.from) + " to " +
              short_utc(g.to) + " (" + duration_words(g.to - g.from) + "), record " + std::to_string(g.seq) +
              (g.detail.empty() ? "" : ": " + escape_html(g.detail)) + ". " + escape_html(gap_outcome_words(g)) +
              "</li>\n";
    }
    html += "</ol>\n";
  }

  html += "<h4>Statements</h4>\n";
  if (s.statements.empty()) html += "<p>None recorded.</p>\n";
  else {
    html += "<table><tr><th>record</th><th>when</th><th>statement</th><th>status</th><th>speech</th><th>file "
            "SHA-256</th><th>file</th></tr>\n";
    for (const auto& st : s.statements)
      html += "<tr><td>" + std::to_string(st.seq) + "</td><td>" + short_utc(st.file.recorded_utc) + "</td><td>" +
              escape_html(std::string(common::record::to_string(st.purpose))) + "</td><td>" +
              escape_html(std::string(common::record::to_string(st.status))) + "</td><td>" +
              (st.speech_present ? duration_words(st.speech) : std::string("none")) + "</td><td class=\"hash\">" +
              (st.file.state == object_state::not_applicable ? std::string("-") : st.file.sha256.to_hex()) +
              "</td><td>" + escape_html(std::string(to_string(st.file.state))) + "</td></tr>\n";
    html += "</table>\n";
  }

  html += "<h4>Segments</h4>\n<table><tr><th>record</th><th>file</th><th>SHA-256</th><th>bytes</th><th>state</th>"
          "<th>stored after</th></tr>\n";
  for (const auto& o : s.segments)
    html += "<tr" + std::string(o.late ? " class=\"late-row\"" : "") + "><td>" + std::to_string(o.seq) + "</td><td>" +
            escape_html(o.file_name) + "</td><td class=\"hash\">" + o.sha256.to_hex() + "</td><td>" +
            std::to_string(o.byte_length) + "</td><td>" + segment_state_cell(o) + "</td><td>" +
            (o.upload_delay ? duration_words(*o.upload_delay) : std::string("no receipt")) +
            (o.late ? " <span class=\"mark-late\">LATE (over 24 h, or not confirmed)</span>" : "") + "</td></tr>\n";
  html += "</table>\n";

  if (!s.photos.empty()) {
    html += "<h4>Photos</h4>\n<table><tr><th>record</th><th>file</th><th>SHA-256</th><th>bytes</th><th>state</th></tr>\n";
    for (const auto& o : s.photos)
      html += "<tr><td>" + std::to_string(o.seq) + "</td><td>" + escape_html(o.file_name) + "</td><td class=\"hash\">" +
              o.sha256.to_hex() + "</td><td>" + std::to_string(o.byte_length) + "</td><td>" + segment_state_cell(o) +
              "</td></tr>\n";
    html += "</table>\n";
  }

  if (!s.actions.empty() || !s.marks.empty() || !s.officer_changes.empty() || !s.places.empty()) {
    html += "<h4>Officers, actions, marks and places</h4>\n<table><tr><th>record</th><th>when</th><th>what</th></tr>\n";
    auto row = [&](std::uint64_t seq, utc_time utc, const std::string& what) {
      html += "<tr><td>" + std::to_string(seq) + "</td><td>" + short_utc(utc) + "</td><td>" + escape_html(what) +
              "</td></tr>\n";
    };
    for (const auto& o : s.officer_changes)
      row(o.seq, o.utc,
          "officer " + o.officer_id + (o.change == common::record::officer_change::join ? " joined" : " left"));
    for (const auto& a : s.actions)
      row(a.seq, a.utc, "action " + a.action + (a.case_number.empty() ? ", no case number" : ", case " + a.case_number));
    for (const auto& m : s.marks) row(m.seq, m.utc, "important moment" + (m.label.empty() ? "" : ": " + m.label));
    for (const auto& p : s.places) row(p.seq, p.utc, "place " + common::record::place_text(p.place));
    html += "</table>\n";
  }
  for (const auto& n : s.notes) html += "<p class=\"note\">Note: " + escape_html(n) + "</p>\n";
  html += "</section>\n";
  return html;
}

}  // namespace bodycam::tools::audit::html
