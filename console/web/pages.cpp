// The console's HTML (G1-G3 in pages.hpp). Helpers build the shared layout; each page is one function.
#include "console/web/pages.hpp"

#include "common/core/html.hpp"
#include "common/record/enums.hpp"
#include "console/access/route_policy.hpp"
#include "console/web/web_message.hpp"

namespace bodycam::console::web {

namespace {

using common::core::escape_html;
namespace audit = tools::audit;
namespace enrollment = tools::enrollment;

std::string two(long v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string layout(const std::string& title, const page_user* user, const std::string& body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" + escape_html(title) + " — bodycam console</title>"
      "<link rel=\"stylesheet\" href=\"/static/console.css\">"
      "<script src=\"/static/console.js\" defer></script></head><body>\n<header><a class=\"brand\" href=\"/\">bodycam console</a>";
  if (user != nullptr) {
    out += "<span class=\"who\">" + escape_html(user->person) + " (" +
           escape_html(enrollment::roles_text(user->roles)) + ")</span>"
           "<form method=\"post\" action=\"/logout\" class=\"logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
           escape_html(user->csrf) + "\"><button type=\"submit\">Log out</button></form>";
  }
  out += "</header>\n<main>\n<h1>" + escape_html(title) + "</h1>\n" + body + "</main></body></html>\n";
  return out;
}

std::string link(const std::string& href, const std::string& text) {
  return "<a href=\"" + escape_html(href) + "\">" + escape_html(text) + "</a>";
}

std::string session_path(const std::string& device, const std::string& session) {
  return "/sessions/" + url_encode(device) + "/" + url_encode(session);
}

}  // namespace

std::string render_layout(const std::string& title, const page_user* user, const std::string& body) {
  return layout(title, user, body);
}

std::string cell(const std::string& text) { return "<td>" + escape_html(text) + "</td>"; }

std::string format_time(utc_time t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(secs - day);
  return std::to_string(static_cast<int>(ymd.year())) + "-" + two(static_cast<unsigned>(ymd.month())) + "-" +
         two(static_cast<unsigned>(ymd.day())) + " " + two(hms.hours().count()) + ":" + two(hms.minutes().count()) +
         ":" + two(static_cast<long>(hms.seconds().count())) + " UTC";
}

std::string format_duration(std::chrono::nanoseconds d) {
  const bool negative = d < std::chrono::nanoseconds::zero();
  auto s = std::chrono::duration_cast<std::chrono::seconds>(negative ? -d : d).count();
  const long h = static_cast<long>(s / 3600);
  const long m = static_cast<long>((s % 3600) / 60);
  const long sec = static_cast<long>(s % 60);
  std::string out = negative ? "-" : "";
  if (h > 0) out += std::to_string(h) + " h " + two(m) + " min " + two(sec) + " s";
  else if (m > 0) out += std::to_string(m) + " min " + two(sec) + " s";
  else out += std::to_string(sec) + " s";
  return out;
}

std::string render_login_page(const std::string& message) {
  std::string body;
  if (!message.empty()) body += "<p class=\"problem\">" + escape_html(message) + "</p>\n";
  body +=
      "<form method=\"post\" action=\"/login\" class=\"login\">"
      "<label>Person id <input name=\"person\" autocomplete=\"username\" required></label>"
      "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
      "<label>One-time code (if your account has one) <input name=\"code\" inputmode=\"numeric\" "
      "autocomplete=\"one-time-code\"></label>"
      "<button type=\"submit\">Log in</button></form>\n";
  return layout("Log in", nullptr, body);
}

std::string render_home_page(const page_user& user) {
  std::string body = "<ul class=\"menu\">\n";
  using access::route;
  const auto may = [&](route r) { return access::is_allowed(r, user.roles, access::ownership::none); };
  if (may(route::session_list))
    body += "<li>" + link("/sessions", "Sessions") + " — recordings you may view, play and download</li>\n";
  if (may(route::search))
    body += "<li>" + link("/search", "Search") + " — by officer, camera, unit, time, category, case, place, party, "
            "note text</li>\n";
  if (may(route::access_register))
    body += "<li>" + link("/registers/access", "Access register") + " — every view, playback and copy</li>\n";
  if (may(route::audit_report))
    body += "<li>" + link("/audit", "Audit") + " — chains, receipts, the store log and the registers</li>\n";
  if (may(route::export_list))
    body += "<li>" + link("/exports", "My export requests") + " — their state; download approved bundles</li>\n";
  if (may(route::approvals))
    body += "<li>" + link("/approvals", "Approvals") + " — export and retention requests waiting for a supervisor</li>\n";
  if (may(route::expiry_view))
    body += "<li>" + link("/expiry", "Expiry") + " — what would expire under the policy; your retention requests</li>\n";
  if (may(route::fleet))
    body += "<li>" + link("/fleet", "Fleet") + " — every camera, its last docking and deadline; each dock</li>\n";
  if (may(route::statistics))
    body += "<li>" + link("/statistics", "Statistics") + " — sessions, hours, statements, gaps per officer or unit</li>\n";
  if (may(route::enrollment_view))
    body += "<li>" + link("/enrollment", "Enrollment register") + " — cameras, docks, witnesses and people</li>\n";
  body += "</ul>\n<p>Every view, playback and download is written to the access register, signed with your key, "
          "before anything is shown.</p>\n";
  return layout("Home", &user, body);
}

std::string render_session_list(const page_user& user, const session_filter& filter,
                                 const std::vector<session_row>& rows) {
  std::string body =
      "<form method=\"get\" action=\"/sessions\" class=\"filters\">"
      "<label>Device <input name=\"device\" value=\"" + escape_html(filter.device) + "\"></label>"
      "<label>From <input name=\"from\" placeholder=\"2026-01-10T08:00\" value=\"" + escape_html(filter.from) +
      "\"></label><label>To <input name=\"to\" placeholder=\"2026-01-11\" value=\"" + escape_html(filter.to) +
      "\"></label><button type=\"submit\">Filter</button></form>\n";
  body += "<table class=\"sessions\"><thead><tr><th>Device</th><th>Officer</th><th>Start</th><th>Duration</th>"
          "<th>Segments</th><th>Session</th></tr></thead><tbody>\n";
  for (const session_row& r : rows) {
    body += "<tr><td>" + escape_html(r.device) + "</td><td>" + escape_html(r.officer.empty() ? "unknown" : r.officer) +
            "</td><td>" + escape_html(format_time(r.start)) + "</td><td>" +
            escape_html(r.duration ? format_duration(*r.duration) : "not stopped") + "</td><td>" +
            std::to_string(r.segments) + "</td><td>" +
            link(session_path(r.device, r.session), r.session.substr(0, 8)) + "</td></tr>\n";
  }
  body += "</tbody></table>\n<p>" + std::to_string(rows.size()) + " session(s). Opening one writes an access entry.</p>\n";
  return layout("Sessions", &user, body);
}

std::string render_session_page(const page_user& user, const std::string& device, const audit::session_audit& s,
                                const std::vector<audit::receipt_audit>& receipts, const std::string& access_entry,
                                const std::string& notes_section) {
  const std::string base = session_path(device, s.session.to_hex());
  std::string body = "<dl class=\"facts\"><dt>Device</dt><dd>" + escape_html(device) + "</dd><dt>Session</dt><dd>" +
                     escape_html(s.session.to_hex()) + "</dd><dt>Officer</dt><dd>" +
                     escape_html(s.officer_id.empty() ? "unknown" : s.officer_id) + "</dd><dt>Start</dt><dd>" +
                     escape_html(format_time(s.start_utc)) + "</dd><dt>Stop</dt><dd>" +
                     escape_html(s.stop_utc ? format_time(*s.stop_utc) : "not stopped") +
                     (s.stop_reason ? " (" + escape_html(std::string(common::record::to_string(*s.stop_reason))) + ")"
                                    : std::string()) +
                     "</dd><dt>Access entry</dt><dd>" + escape_html(access_entry) + "</dd></dl>\n";
  body += "<p>" + link(base + "/play", "Play the whole session") + " · " +
          link(base + "/copy.mp4", "Download a viewing copy") + " (" +
          link(base + "/copy.mp4.manifest.json", "its signed manifest") + ")" +
          " (the whole session as one MP4 that any player seeks in; for viewing, not evidence: the originals "
          "below are)</p>\n";
  if (access::is_allowed(access::route::export_request, user.roles, access::ownership::none))
    body += "<form method=\"post\" action=\"/exports/request\" class=\"export-request\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(user.csrf) + "\">"
            "<input type=\"hidden\" name=\"device\" value=\"" + escape_html(device) + "\">"
            "<input type=\"hidden\" name=\"session\" value=\"" + escape_html(s.session.to_hex()) + "\">"
            "<label>Case or request number <input name=\"reference\" required></label>"
            "<button type=\"submit\">Request export</button></form>\n"
            "<p>An export needs a supervisor's approval (another person) before you can download the bundle.</p>\n";
  body += "<h2>Segments</h2><table><thead><tr><th>Seq</th><th>File</th><th>Bytes</th><th>Recorded</th>"
          "<th>Stored</th><th>Time to storage</th><th>State</th><th></th></tr></thead><tbody>\n";
  for (const audit::object_audit& o : s.segments) {
    body += "<tr><td>" + std::to_string(o.seq) + "</td><td>" + escape_html(o.file_name) + "</td><td>" +
            std::to_string(o.byte_length) + "</td><td>" + escape_html(format_time(o.recorded_utc)) + "</td><td>" +
            escape_html(o.stored_utc ? format_time(*o.stored_utc) : "not confirmed") + "</td><td>" +
            escape_html(o.upload_delay ? format_duration(*o.upload_delay) : "—") + (o.late ? " (late)" : "") +
            "</td><td>" + escape_html(std::string(audit::to_string(o.state))) + "</td><td>" +
            link(base + "/files/" + std::to_string(o.seq), "download") + "</td></tr>\n";
  }
  body += "</tbody></table>\n<h2>Statements</h2><table><thead><tr><th>Seq</th><th>Purpose</th><th>Status</th>"
          "<th>Speech</th><th></th></tr></thead><tbody>\n";
  for (const audit::statement_audit& st : s.statements) {
    const bool has_file = st.file.state != audit::object_state::not_applicable;
    body += "<tr><td>" + std::to_string(st.seq) + "</td><td>" +
            escape_html(std::string(common::record::to_string(st.purpose))) + "</td><td>" +
            escape_html(std::string(common::record::to_string(st.status))) + "</td><td>" +
            (st.speech_present ? escape_html(format_duration(st.speech)) : std::string("none")) + "</td><td>" +
            (has_file ? "<audio controls preload=\"none\" src=\"" + escape_html(base + "/files/" + std::to_string(st.seq)) +
                            "\"></audio>"
                      : std::string()) +
            "</td></tr>\n";
  }
  body += "</tbody></table>\n<h2>Interruptions</h2><table><thead><tr><th>Seq</th><th>Reason</th><th>From</th>"
          "<th>To</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>\n";
  for (const audit::gap_audit& g : s.gaps) {
    body += "<tr><td>" + std::to_string(g.seq) + "</td><td>" +
            escape_html(std::string(common::record::to_string(g.reason))) + "</td><td>" +
            escape_html(format_time(g.from)) + "</td><td>" + escape_html(format_time(g.to)) + "</td><td>" +
            escape_html(std::string(audit::to_string(g.outcome))) + "</td><td>" + escape_html(g.detail) + "</td></tr>\n";
  }
  body += "</tbody></table>\n<h2>Receipts</h2><table><thead><tr><th>Receipt</th><th>Dock</th><th>Records</th>"
          "<th>Stored</th><th>Signature</th></tr></thead><tbody>\n";
  for (const audit::receipt_audit& r : receipts) {
    if (r.end_seq <= s.first_seq || r.first_seq > s.last_seq) continue;
    body += "<tr><td>" + escape_html(r.name) + "</td><td>" + escape_html(r.issuer) + "</td><td>" +
            std::to_string(r.first_seq) + "–" + std::to_string(r.end_seq == 0 ? 0 : r.end_seq - 1) + "</td><td>" +
            escape_html(format_time(r.stored_utc)) + "</td><td>" +
            (r.signature_ok ? std::string("verified") : "not verified: " + escape_html(r.problem)) + "</td></tr>\n";
  }
  body += "</tbody></table>\n";
  if (!s.notes.empty()) {
    body += "<h2>Notes</h2><ul>\n";
    for (const std::string& n : s.notes) body += "<li>" + escape_html(n) + "</li>\n";
    body += "</ul>\n";
  }
  body += notes_section;
  return layout("Session " + s.session.to_hex().substr(0, 8), &user, body);
}

std::string render_playback_page(const page_user& user, const std::string& device, const audit::session_audit& s,
                                 const std::string& access_entry) {
  const std::string base = session_path(device, s.session.to_hex());
  std::string urls;
  for (const audit::object_audit& o : s.segments) urls += (urls.empty() ? "" : " ") + base + "/files/" + std::to_string(o.seq);
  std::string body = "<p>Access entry " + escape_html(access_entry) + ". " + link(base, "Back to the session") +
                     "</p>\n<video id=\"player\" controls data-segments=\"" + escape_html(urls) +
                     "\"></video>\n<p id=\"player-status\" class=\"status\">Loading " +
                     std::to_string(s.segments.size()) + " segment(s)…</p>\n";
  return layout("Playback " + s.session.to_hex().substr(0, 8), &user, body);
}

std::string render_access_register(const page_user& user, const tools::registers::register_book& book) {
  std::string body = "<p>" + std::to_string(book.entry_count()) + " entries; " +
                     (book.is_intact() ? std::string("every entry checks.") :
                                         std::to_string(book.findings.size()) + " finding(s).") + "</p>\n";
  body += "<table><thead><tr><th>Entry</th><th>When</th><th>Department</th><th>Reference</th><th>Action</th>"
          "<th>Scope</th></tr></thead><tbody>\n";
  for (const auto& chain : book.clerks)
    for (const auto& e : chain.entries) {
      std::string scope;
      for (const auto& sc : e.body.scopes)
        scope += (scope.empty() ? "" : "; ") + sc.device.str() +
                 (sc.session.is_none() ? std::string() : " " + sc.session.to_hex().substr(0, 8));
      body += "<tr><td>" + escape_html(tools::registers::entry_name(e.body)) + "</td><td>" +
              escape_html(format_time(e.body.utc)) + "</td><td>" + escape_html(e.body.department) + "</td><td>" +
              escape_html(e.body.reference) + "</td><td>" + escape_html(e.body.action) + "</td><td>" +
              escape_html(scope) + "</td></tr>\n";
    }
  body += "</tbody></table>\n";
  if (!book.findings.empty()) {
    body += "<h2>Findings</h2><ul>\n";
    for (const auto& f : book.findings)
      body += "<li>" + escape_html(f.entry + ": " + f.code + " " + f.detail) + "</li>\n";
    body += "</ul>\n";
  }
  return layout("Access register", &user, body);
}

std::string render_enrollment_view(const page_user& user, const enrollment::authorization_table& table) {
  std::string body = "<table><thead><tr><th>Entry</th><th>Kind</th><th>Subject</th><th>Roles</th><th>Unit</th>"
                     "<th>Valid from</th><th>End</th></tr></thead><tbody>\n";
  for (const auto& g : table.grants())
    body += "<tr><td>" + std::to_string(g.seq) + "</td><td>" + escape_html(std::string(enrollment::to_string(g.kind))) +
            "</td><td>" + escape_html(g.subject) + "</td><td>" + escape_html(enrollment::roles_text(g.roles)) +
            "</td><td>" + escape_html(g.unit) + "</td><td>" + escape_html(format_time(g.valid_from)) + "</td><td>" +
            escape_html(g.end ? format_time(*g.end) + " (" + g.end_reason + ")" : std::string("open")) + "</td></tr>\n";
  body += "</tbody></table>\n";
  return layout("Enrollment register", &user, body);
}

std::string render_text_page(const page_user& user, const std::string& title, const std::string& text) {
  return layout(title, &user, "<pre>" + escape_html(text) + "</pre>\n");
}

std::string render_page(const std::string& title, const page_user& user, const std::string& body_html) {
  return layout(title, &user, body_html);
}

std::string render_error_page(unsigned status, const std::string& title, const std::string& detail) {
  return layout(std::to_string(status) + " " + title, nullptr,
                "<p class=\"problem\">" + escape_html(detail) + "</p>\n<p>" + link("/", "Home") + "</p>\n");
}

namespace {

std::string request_table(const std::vector<request_row>& rows, const page_user& user, bool decide, bool download) {
  std::string body = "<table class=\"requests exports\"><thead><tr><th>Request</th><th>By</th><th>When</th><th>What</th>"
                     "<th>Reference</th><th>State</th><th></th></tr></thead><tbody>\n";
  for (const request_row& r : rows) {
    body += "<tr><td>" + escape_html("access/" + r.name) + "</td><td>" + escape_html(r.requester) + "</td><td>" +
            escape_html(format_time(r.requested)) + "</td><td>" + escape_html(r.what) + "</td><td>" +
            escape_html(r.reference) + "</td><td>" + escape_html(r.state) +
            (r.decided_by.empty() ? std::string() : " by " + escape_html(r.decided_by)) + "</td><td>";
    if (decide && r.state == "pending") {
      for (const char* choice : {"approve", "refuse"})
        body += "<form method=\"post\" action=\"/approvals/" + escape_html(url_encode(r.name)) +
                "\" class=\"decision\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(user.csrf) +
                "\"><input type=\"hidden\" name=\"decision\" value=\"" + choice + "\"><button type=\"submit\">" +
                (std::string_view(choice) == "approve" ? "Approve" : "Refuse") + "</button></form>";
    }
    if (download && r.downloadable) body += link("/exports/" + url_encode(r.name) + "/bundle.tar", "Download bundle");
    body += "</td></tr>\n";
  }
  return body + "</tbody></table>\n";
}

}  // namespace

std::string render_exports_page(const page_user& user, const std::vector<request_row>& rows) {
  std::string body = "<p>Request an export from a session's page. A supervisor other than you approves it; then "
                     "download the bundle here (a tar archive; check it with <code>bodycam verify</code>). The "
                     "download writes an access entry first.</p>\n";
  body += request_table(rows, user, false, true);
  return layout("My export requests", &user, body);
}

std::string render_approvals_page(const page_user& user, const std::vector<request_row>& rows,
                                  const std::string& retention_html) {
  std::string body = "<p>Export requests of the agency. You may approve or refuse another person's request, never "
                     "your own; your decision is signed with your key and stored in the access register.</p>\n";
  body += request_table(rows, user, true, false);
  body += retention_html;
  return layout("Approvals", &user, body);
}

std::string render_fleet_page(const page_user& user, const std::vector<fleet_row>& rows,
                              const std::vector<dock_row>& docks) {
  std::string body = "<p>Footage must reach the store within 24 hours of recording; a camera past that is "
                     "overdue.</p>\n<h2>Cameras</h2><table class=\"fleet\"><thead><tr><th>Camera</th><th>Unit</th>"
                     "<th>Officer (last session)</th><th>Last docking</th><th>Backlog</th>"
                     "<th>Oldest footage not yet stored</th><th>Deadline</th></tr></thead><tbody>\n";
  for (const fleet_row& r : rows)
    body += "<tr><td>" + escape_html(r.device) + "</td><td>" + escape_html(r.unit) + "</td><td>" +
            escape_html(r.officer) + "</td><td>" + escape_html(r.last_docking) + "</td><td>" + escape_html(r.backlog) +
            "</td><td>" + escape_html(r.oldest_unstored) + "</td><td class=\"" +
            (r.overdue ? "problem" : "ok") + "\">" + escape_html(r.deadline) + "</td></tr>\n";
  body += "</tbody></table>\n<h2>Docks</h2><table class=\"docks\"><thead><tr><th>Status URL</th><th>Dock</th>"
          "<th>State</th><th>Alarm</th><th>Pending</th></tr></thead><tbody>\n";
  for (const dock_row& d : docks)
    body += "<tr><td>" + escape_html(d.url) + "</td><td>" + escape_html(d.dock_id) + "</td><td class=\"" +
            (d.reachable ? "ok" : "problem") + "\">" + escape_html(d.state) + "</td><td>" + escape_html(d.alarm) +
            "</td><td>" + escape_html(d.pending) + "</td></tr>\n";
  if (docks.empty()) body += "<tr><td colspan=\"5\">No dock status URL is configured ([fleet] dock_status_urls).</td></tr>\n";
  body += "</tbody></table>\n";
  return layout("Fleet", &user, body);
}

}  // namespace bodycam::console::web
