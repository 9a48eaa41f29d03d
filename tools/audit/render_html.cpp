#include "common/core/html.hpp"
#include "common/record/place_text.hpp"
#include "common/record/record_json.hpp"
#include "tools/audit/render.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace bodycam::tools::audit {

using common::core::escape_html;
using common::record::format_utc;
using common::record::utc_time;

namespace {

constexpr double chart_left = 170;
constexpr double chart_width = 660;
constexpr double row_height = 44;

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

std::string short_utc(utc_time t) { return format_utc(t).substr(0, 19) + "Z"; }

struct time_axis {
  utc_time first{};
  utc_time last{};
  [[nodiscard]] double x(utc_time t) const {
    const double span = std::chrono::duration<double>(last - first).count();
    const double at = std::chrono::duration<double>(t - first).count();
    return chart_left + (span > 0 ? std::clamp(at / span, 0.0, 1.0) : 0.5) * chart_width;
  }
};

// One shift's axis: its recording span with a little margin, so the recording fills the chart; a storage
// time past the end is drawn at the right edge and labelled with the delay.
time_axis axis_of(const session_audit& s) {
  utc_time last = s.stop_utc ? *s.stop_utc : s.start_utc;
  for (const auto& o : s.segments) last = std::max(last, o.recorded_utc);
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

std::string timeline(const device_audit& d) {
  const double height = 8 + row_height * static_cast<double>(d.sessions.size());
  std::string svg = "<svg class=\"timeline\" width=\"1010\" height=\"" + num(height) +
                    "\" role=\"img\" aria-label=\"timeline of " + escape_html(d.device.str()) + "\">\n";
  double y = 4;
  for (const auto& s : d.sessions) {
    const time_axis axis = axis_of(s);
    svg += "<text x=\"4\" y=\"" + num(y + 16) + "\" class=\"label\">" + escape_html(s.session.to_hex().substr(0, 8)) +
           " " + escape_html(s.officer_id) + "</text>\n";
    svg += "<text x=\"4\" y=\"" + num(y + 30) + "\" class=\"axis\">" + short_utc(s.start_utc) + "</text>\n";
    svg += "<line x1=\"" + num(chart_left) + "\" y1=\"" + num(y + 30) + "\" x2=\"" + num(chart_left + chart_width) +
           "\" y2=\"" + num(y + 30) + "\" stroke=\"#999\"/>\n";
    utc_time end = s.stop_utc ? *s.stop_utc : s.start_utc;
    for (const auto& o : s.segments) end = std::max(end, o.recorded_utc);
    svg += rect(axis.x(s.start_utc), axis.x(end), y + 8, 16, html_recording_colour,
                "recording " + short_utc(s.start_utc) + " .. " + short_utc(end));
    for (const auto& g : s.gaps)
      svg += rect(axis.x(g.from), axis.x(g.to), y + 4, 24, html_gap_colour,
                  "gap: " + std::string(common::record::to_string(g.reason)) + " " + g.detail +
                      (g.statement == statement_need::missing ? " (resume statement missing)" : ""));
    for (const auto& st : s.statements)
      svg += "<circle cx=\"" + num(axis.x(st.file.recorded_utc)) + "\" cy=\"" + num(y + 16) + "\" r=\"6\" fill=\"" +
             std::string(html_statement_colour) + "\"><title>" +
             escape_html(std::string(common::record::to_string(st.purpose)) +
                         " statement: " + std::string(common::record::to_string(st.status)) +
                         (st.speech_present ? ", speech" : ", no speech")) +
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
    const std::string delay_text =
        worst_delay
            ? "stored after " + num(std::chrono::duration<double, std::ratio<3600>>(*worst_delay).count()) + " h"
            : "no receipt";
    svg += "<text x=\"" + num(chart_left + chart_width + 6) + "\" y=\"" + num(y + 20) + "\" class=\"label" +
           (late ? " late" : "") + "\">" + delay_text + (late ? " LATE" : "") + "</text>\n";
    y += row_height;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace

std::string render_html(const audit_report& report, std::string_view extra_sections) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>bodycam audit</title>\n<style>\n"
      "body{font-family:sans-serif;margin:16px;color:#222;background:#fff}\n"
      "h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 4px}\n"
      ".axis,.label{font-size:11px;fill:#333}.late{fill:#b00}.verdict{font-weight:bold}\n"
      ".bad{color:#b00}.ok{color:#070}table{border-collapse:collapse;font-size:12px}\n"
      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
      ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n"
      "</style></head><body>\n";
  const bool good =
      report.verdict == chain::verdict::authentic || report.verdict == chain::verdict::authentic_with_gaps;
  html += "<h1>bodycam audit</h1>\n<p>" + escape_html(report.store) + " at " + short_utc(report.generated_utc) +
          ": <span class=\"verdict " + (good ? "ok" : "bad") + "\">" + std::string(chain::to_string(report.verdict)) +
          " (exit " + std::to_string(chain::exit_code(report.verdict)) + ")</span></p>\n";
  html += "<p class=\"legend\"><span style=\"background:" + std::string(html_recording_colour) +
          "\"></span>recording<span style=\"background:" + std::string(html_gap_colour) +
          "\"></span>gap<span style=\"background:" + std::string(html_statement_colour) +
          "\"></span>statement<span style=\"background:" + std::string(html_stored_colour) +
          "\"></span>docked / stored (dashed: upload delay)</p>\n";
  for (const auto& d : report.devices) {
    html += "<h2>" + escape_html(d.device.str()) + ": <span class=\"verdict " +
            (d.verdict == chain::verdict::not_authentic ? "bad" : "ok") + "\">" +
            std::string(chain::to_string(d.verdict)) + "</span></h2>\n";
    html += timeline(d);
    if (!d.problems.empty() || d.chain.problem_count() > 0) {
      html += "<ul class=\"bad\">\n";
      for (const auto& rr : d.chain.records)
        for (const auto& f : rr.findings)
          html += "<li>" +
                  escape_html(std::string(chain::to_string(f.code)) + ": " + f.detail + " [" + rr.origin + "]") +
                  "</li>\n";
      for (const auto& f : d.chain.chain_findings)
        html += "<li>" + escape_html(std::string(chain::to_string(f.code)) + ": " + f.detail) + "</li>\n";
      for (const auto& p : d.problems) html += "<li>" + escape_html(p) + "</li>\n";
      html += "</ul>\n";
    }
    html += "<table><tr><th>record</th><th>file</th><th>state</th><th>stored after</th><th>late</th></tr>\n";
    for (const auto& s : d.sessions)
      for (const auto& o : s.segments) {
        std::string delay = "no receipt";
        if (o.upload_delay)
          delay = num(std::chrono::duration<double, std::ratio<3600>>(*o.upload_delay).count()) + " h";
        html += "<tr><td>" + std::to_string(o.seq) + "</td><td>" + escape_html(o.file_name) + "</td><td>" +
                std::string(to_string(o.state)) + (o.state == object_state::expired ? " (expired under policy)" : "") +
                "</td><td>" + delay + "</td><td>" + (o.late ? "LATE" : "") + "</td></tr>\n";
      }
    html += "</table>\n";
    for (const auto& s : d.sessions) {
      if (s.actions.empty() && s.marks.empty() && s.officer_changes.empty() && s.places.empty()) continue;
      std::string officers;
      for (const auto& o : s.officers()) officers += (officers.empty() ? "" : ", ") + o;
      html += "<h3>session " + escape_html(s.session.to_hex().substr(0, 8)) + ": officers " +
              escape_html(officers.empty() ? std::string("none assigned") : officers) + "</h3>\n";
      html += "<table><tr><th>record</th><th>when</th><th>what</th></tr>\n";
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
    for (const auto& s : d.sessions)
      for (const auto& n : s.notes) html += "<p>" + escape_html(s.session.to_hex().substr(0, 8) + ": " + n) + "</p>\n";
  }
  auto register_table = [&](const registers::register_book& book, const char* name) {
    html += "<h2>" + std::string(name) + " register: " + (book.is_intact() ? "intact" : "NOT intact") + "</h2>\n";
    html += "<table><tr><th>entry</th><th>when</th><th>what</th><th>department</th><th>reference</th></tr>\n";
    for (const auto& c : book.clerks)
      for (const auto& e : c.entries)
        html += "<tr><td>" + escape_html(registers::entry_name(e.body)) + "</td><td>" + short_utc(e.body.utc) +
                "</td><td>" + escape_html(std::string(registers::to_string(e.body.kind)) + " " + e.body.action) +
                "</td><td>" + escape_html(e.body.department) + "</td><td>" + escape_html(e.body.reference) +
                "</td></tr>\n";
    html += "</table>\n";
    for (const auto& f : book.findings)
      html += "<p class=\"bad\">" + escape_html(f.code + ": " + f.detail + " [" + f.entry + "]") + "</p>\n";
  };
  html += extra_sections;
  if (report.access) register_table(*report.access, "access");
  if (report.retention) register_table(*report.retention, "retention");
  html += "</body></html>\n";
  return html;
}

}  // namespace bodycam::tools::audit
