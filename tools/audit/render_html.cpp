// The audit as one self-contained HTML page a clerk can print and sign (render.hpp): the verdict in words with
// its own colour, per device its key fingerprint, problems in sentences, pre-shift checks, clock, a timeline
// with a time axis, each session's interruptions, statements and segments (full SHA-256, salvaged and late ones
// marked), receipts, then the registers. A print stylesheet keeps it readable on A4 paper.
#include "common/core/html.hpp"
#include "common/record/record_json.hpp"
#include "tools/audit/chain_words.hpp"
#include "tools/audit/render.hpp"
#include "tools/audit/render_html_parts.hpp"
#include "tools/audit/store_finding.hpp"

namespace bodycam::tools::audit {

using common::core::escape_html;
using html::short_utc;

namespace {

constexpr std::string_view style =
    "body{font-family:sans-serif;margin:16px;color:#222;background:#fff;max-width:1100px}\n"
    "h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 4px}h3{font-size:15px;margin:14px 0 4px}\n"
    "h4{font-size:13px;margin:10px 0 4px}\n"
    ".axis,.label{font-size:11px;fill:#333}.late{fill:#b00}\n"
    ".verdict{display:inline-block;font-weight:bold;padding:2px 8px;border:2px solid;border-radius:4px}\n"
    ".v-authentic{color:#0b6623;background:#e3f4e8;border-color:#0b6623}\n"
    ".v-gaps{color:#7a4a00;background:#fff3d6;border-color:#b27300}\n"
    ".v-cannot{color:#2d4a7a;background:#e6edf8;border-color:#2d4a7a}\n"
    ".v-not{color:#fff;background:#b00000;border-color:#700000}\n"
    ".meaning{margin:4px 0 10px}.bad{color:#b00}\n"
    ".mark-salvaged{color:#7a4a00;font-weight:bold}.mark-late{color:#b00;font-weight:bold}\n"
    "table{border-collapse:collapse;font-size:12px;margin:4px 0}\n"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}\n"
    ".hash{font-family:monospace;font-size:10px;word-break:break-all}\n"
    ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n"
    "@page{size:A4;margin:14mm}\n"
    "@media print{body{margin:0;font-size:10pt;max-width:none}.timeline{width:100%;height:auto}"
    "h2,h3,h4{break-after:avoid}tr,li{break-inside:avoid}.verdict{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}section.session{break-inside:auto}}\n";

std::string verdict_badge(chain::verdict v) {
  const auto w = html::words_for(v);
  return "<span class=\"verdict " + std::string(w.css_class) + "\">" + std::string(w.heading) + "</span>";
}

std::string device_section(const device_audit& d) {
  const auto w = html::words_for(d.verdict);
  std::string out = "<h2>" + escape_html(d.device.str()) + ": " + verdict_badge(d.verdict) + "</h2>\n<p class=\"meaning\">" +
                    std::string(w.meaning) + "</p>\n";
  out += d.key ? "<p>Device key fingerprint (SHA-256 of the enrolled public key): <span class=\"hash\">" +
                     d.key->fingerprint().to_hex() + "</span></p>\n"
               : "<p class=\"bad\">No usable enrolled key for this device.</p>\n";
  out += html::timeline(d);
  for (const auto& g : d.idle_gaps)
    out += "<p>Interruption outside a session, record " + std::to_string(g.seq) + ": " +
           escape_html(std::string(common::record::to_string(g.reason))) + ", " + short_utc(g.from) + " to " +
           short_utc(g.to) + (g.detail.empty() ? "" : " (" + escape_html(g.detail) + ")") + ".</p>\n";

  std::string problems;
  for (const auto& rr : d.chain.records)
    for (const auto& f : rr.findings)
      problems += "<li>" + escape_html(finding_sentence(f, &rr, d.chain, d.device)) + " <small>(" +
                  escape_html(std::string(chain::to_string(f.code)) + ", " + rr.origin) + ")</small></li>\n";
  for (const auto& f : d.chain.chain_findings)
    problems += "<li>" + escape_html(finding_sentence(f, nullptr, d.chain, d.device)) + " <small>(" +
                escape_html(std::string(chain::to_string(f.code))) + ")</small></li>\n";
  for (const auto& f : d.store_findings) problems += "<li>" + escape_html(describe(f)) + "</li>\n";
  for (const auto& p : d.problems)
    if (!is_store_finding_line(p)) problems += "<li>" + escape_html(p) + "</li>\n";
  if (!problems.empty()) out += "<h3>Problems</h3>\n<ul class=\"bad\">\n" + problems + "</ul>\n";

  if (!d.prechecks.empty()) {
    out += "<h3>Pre-shift checks</h3>\n<table><tr><th>record</th><th>when</th><th>outcome</th><th>warnings</th></tr>\n";
    for (const auto& p : d.prechecks) {
      std::string warnings;
      for (const auto& item : p.warnings)
        warnings += escape_html(std::string(common::record::to_string(item.status)) + " " + item.check + ": " +
                                item.detail) +
                    "<br>";
      out += "<tr><td>" + std::to_string(p.seq) + "</td><td>" + short_utc(p.utc) + "</td><td>" +
             escape_html(std::string(common::record::to_string(p.outcome))) + "</td><td>" +
             (warnings.empty() ? std::string("none") : warnings) + "</td></tr>\n";
    }
    out += "</table>\n";
  }
  if (!d.clock.empty()) {
    out += "<h3>Clock</h3>\n<table><tr><th>record</th><th>device's UTC</th><th>source</th><th>error bound</th>"
           "<th>dock's measured offset</th></tr>\n";
    for (const auto& c : d.clock)
      out += "<tr><td>" + std::to_string(c.seq) + "</td><td>" + short_utc(c.utc) + "</td><td>" +
             escape_html(std::string(common::record::to_string(c.source)) + clock_change_words(c)) + "</td><td>" +
             std::to_string(c.error_bound.count()) + " ms</td><td>" +
             (c.offset ? std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(*c.offset).count()) +
                             " ms (dock " + escape_html(c.dock_id) + ")"
                       : std::string("-")) +
             "</td></tr>\n";
    out += "</table>\n";
  }

  for (const auto& s : d.sessions) out += html::session_section(s);

  if (!d.receipts.empty()) {
    out += "<h3>Receipts (what the dock confirmed stored)</h3>\n<table><tr><th>receipt</th><th>dock</th>"
           "<th>records</th><th>stored</th><th>head record hash</th><th>signature</th></tr>\n";
    for (const auto& r : d.receipts)
      out += "<tr><td>" + escape_html(r.name) + "</td><td>" + escape_html(r.issuer) + "</td><td>" +
             std::to_string(r.first_seq) + " to " + std::to_string(r.end_seq == 0 ? 0 : r.end_seq - 1) + "</td><td>" +
             short_utc(r.stored_utc) + "</td><td class=\"hash\">" + r.head_hash.to_hex() + "</td><td" +
             (r.signature_ok && r.problem.empty() ? ">verifies" : " class=\"bad\">" + escape_html(r.problem.empty()
                                                                                              ? std::string("does not verify")
                                                                                              : r.problem)) +
             "</td></tr>\n";
    out += "</table>\n";
  }
  return out;
}

}  // namespace

std::string render_html(const audit_report& report, std::string_view extra_sections) {
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<title>bodycam audit</title>\n<style>\n" +
                     std::string(style) + "</style></head><body>\n";
  const auto w = html::words_for(report.verdict);
  page += "<h1>bodycam audit</h1>\n<p>Store " + escape_html(report.store) + ", checked " +
          short_utc(report.generated_utc) + ".</p>\n<p>Verdict for the whole store: " + verdict_badge(report.verdict) +
          "</p>\n<p class=\"meaning\">" + std::string(w.meaning) + "</p>\n";
  page += "<table><tr><th>device</th><th>verdict</th><th>sessions</th><th>records</th></tr>\n";
  for (const auto& d : report.devices)
    page += "<tr><td>" + escape_html(d.device.str()) + "</td><td>" + verdict_badge(d.verdict) + "</td><td>" +
            std::to_string(d.sessions.size()) + "</td><td>" + std::to_string(d.chain.records.size()) + "</td></tr>\n";
  page += "</table>\n";
  page += "<p class=\"legend\">Timelines: <span style=\"background:" + std::string(html_recording_colour) +
          "\"></span>recording<span style=\"background:" + std::string(html_gap_colour) +
          "\"></span>gap<span style=\"background:" + std::string(html_statement_colour) +
          "\"></span>statement<span style=\"background:" + std::string(html_stored_colour) +
          "\"></span>docked / stored (dashed: upload delay)</p>\n";
  for (const auto& d : report.devices) page += device_section(d);

  auto register_table = [&](const registers::register_book& book, const char* name) {
    page += "<h2>" + std::string(name) + " register: " + (book.is_intact() ? "intact" : "NOT intact") + "</h2>\n";
    page += "<table><tr><th>entry</th><th>when</th><th>what</th><th>department</th><th>reference</th></tr>\n";
    for (const auto& c : book.clerks)
      for (const auto& e : c.entries)
        page += "<tr><td>" + escape_html(registers::entry_name(e.body)) + "</td><td>" + short_utc(e.body.utc) +
                "</td><td>" + escape_html(std::string(registers::to_string(e.body.kind)) + " " + e.body.action) +
                "</td><td>" + escape_html(e.body.department) + "</td><td>" + escape_html(e.body.reference) +
                "</td></tr>\n";
    page += "</table>\n";
    for (const auto& f : book.findings)
      page += "<p class=\"bad\">" + escape_html(f.code + ": " + f.detail + " [" + f.entry + "]") + "</p>\n";
  };
  page += extra_sections;
  if (report.access) register_table(*report.access, "access");
  if (report.retention) register_table(*report.retention, "retention");
  page += "</body></html>\n";
  return page;
}

}  // namespace bodycam::tools::audit
