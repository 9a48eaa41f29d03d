// The retention parts of the console's HTML (retention_pages.hpp).
#include "console/web/retention_pages.hpp"

#include "common/core/html.hpp"
#include "console/web/web_message.hpp"

namespace bodycam::console::web {

namespace {

using common::core::escape_html;


std::string csrf_field(const page_user& user) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(user.csrf) + "\">";
}

std::string hidden(const std::string& name, const std::string& value) {
  return "<input type=\"hidden\" name=\"" + escape_html(name) + "\" value=\"" + escape_html(value) + "\">";
}

std::string request_href(const std::string& name) { return "/retention/requests/" + url_encode(name); }

std::string decision_forms(const page_user& user, const std::string& name) {
  std::string out;
  for (const std::string choice : {"approve", "refuse"})
    out += "<form method=\"post\" action=\"" + escape_html(request_href(name)) + "\" class=\"decision\">" +
           csrf_field(user) + hidden("decision", choice) + "<button type=\"submit\">" +
           (choice == "approve" ? "Approve" : "Refuse") + "</button></form>";
  return out;
}

std::string session_table(const std::vector<expiry_session_row>& rows) {
  std::string body = "<table class=\"expiry\"><thead><tr><th>Camera</th><th>Session</th><th>Last file</th>"
                     "<th>Files</th><th>Bytes</th></tr></thead><tbody>\n";
  for (const auto& r : rows)
    body += "<tr>" + cell(r.device) + "<td><a href=\"" +
            escape_html("/sessions/" + url_encode(r.device) + "/" + url_encode(r.session)) + "\">" +
            escape_html(r.session) + "</a></td>" + cell(format_time(r.last_file)) + cell(std::to_string(r.files)) +
            cell(std::to_string(r.bytes)) + "</tr>\n";
  if (rows.empty()) body += "<tr><td colspan=\"5\">None.</td></tr>\n";
  return body + "</tbody></table>\n";
}

std::string requests_table(const page_user& user, const std::vector<retention_request_row>& rows, bool decide,
                           bool execute) {
  std::string body = "<table class=\"requests retention\"><thead><tr><th>Request</th><th>Kind</th><th>By</th>"
                     "<th>When</th><th>What</th><th>Reference</th><th>State</th><th></th></tr></thead><tbody>\n";
  for (const auto& r : rows) {
    body += "<tr><td><a href=\"" + escape_html(request_href(r.name)) + "\">" + escape_html("retention/" + r.name) +
            "</a></td>" + cell(r.kind) + cell(r.requester) + cell(format_time(r.requested)) + cell(r.what) +
            cell(r.reference) + "<td>" + escape_html(r.state) +
            (r.decided_by.empty()          ? std::string()
             : r.state == "carried out" ? " (approved by " + escape_html(r.decided_by) + ")"
                                        : " by " + escape_html(r.decided_by)) +
            "</td><td>";
    if (decide && r.state == "pending" && r.requester != user.person) body += decision_forms(user, r.name);
    if (execute && r.executable)
      body += "<form method=\"post\" action=\"" + escape_html(request_href(r.name) + "/execute") +
              "\" class=\"execute\">" + csrf_field(user) + "<button type=\"submit\">" +
              (r.kind == "expiry" ? "Expire these files" : "Release the hold") + "</button></form>";
    body += "</td></tr>\n";
  }
  if (rows.empty()) body += "<tr><td colspan=\"8\">None.</td></tr>\n";
  return body + "</tbody></table>\n";
}

}  // namespace

std::string render_holds_section(const page_user& user, const std::string& device, const std::string& session,
                                 const std::vector<hold_row>& holds, bool may_place, bool may_request_release) {
  std::string body = "<section class=\"holds\"><h2>Holds</h2>\n";
  if (holds.empty()) body += "<p>No hold covers this session: it expires under the retention policy.</p>\n";
  else {
    body += "<table class=\"holds\"><thead><tr><th>Hold</th><th>Reason</th><th>Scope</th><th>Placed by</th>"
            "<th>When</th><th>Reference</th><th></th></tr></thead><tbody>\n";
    for (const auto& h : holds) {
      body += "<tr>" + cell("retention/" + h.name) + cell(h.reason) + cell(h.scope) + cell(h.placed_by) +
              cell(format_time(h.placed)) + cell(h.reference) + "<td>";
      if (h.release_requested)
        body += "release requested";
      else if (may_request_release)
        body += "<form method=\"post\" action=\"/retention/release-request\" class=\"release-request\">" +
                csrf_field(user) + hidden("hold", h.name) +
                "<label>Why it ends <input name=\"reference\" required></label>"
                "<button type=\"submit\">Request release</button></form>";
      body += "</td></tr>\n";
    }
    body += "</tbody></table>\n";
  }
  if (may_place)
    body += "<form method=\"post\" action=\"" +
            escape_html("/sessions/" + url_encode(device) + "/" + url_encode(session) + "/holds") +
            "\" class=\"hold-place\">" + csrf_field(user) +
            "<label>Reason <select name=\"reason\"><option value=\"legal_hold\">legal hold</option>"
            "<option value=\"evidence\">evidence</option><option value=\"complaint\">complaint</option>"
            "<option value=\"major_incident\">major incident</option></select></label>"
            "<label>Case or request number <input name=\"reference\" required></label>"
            "<button type=\"submit\">Place hold</button></form>\n"
            "<p>A hold keeps the session past the retention period until a release that a second person approved.</p>\n";
  return body + "</section>\n";
}

std::string render_expiry_page(const page_user& user, const expiry_view& plan,
                               const std::vector<retention_request_row>& mine, bool may_request) {
  std::string body = "<p>Dry run under the retention policy (" + std::to_string(plan.days) +
                     " days from a session's last file): nothing has been deleted. Sessions under a hold are never "
                     "listed.</p>\n<p>" +
                     escape_html(std::to_string(plan.due.size()) + " session(s), " + std::to_string(plan.due_files) +
                                 " file(s), " + std::to_string(plan.due_bytes) + " bytes would expire; " +
                                 std::to_string(plan.held_sessions) + " session(s) (" +
                                 std::to_string(plan.held_files) + " file(s)) past the period are kept by a hold; " +
                                 std::to_string(plan.young_files) + " file(s) are younger than the period.") +
                     "</p>\n";
  body += session_table(plan.due);
  if (may_request && !plan.due.empty())
    body += "<form method=\"post\" action=\"/expiry/request\" class=\"expiry-request\">" + csrf_field(user) +
            hidden("plan", plan.plan_token) +
            "<label>Reference (policy or case) <input name=\"reference\" required></label>"
            "<button type=\"submit\">Request expiry of exactly these files</button></form>\n"
            "<p>A supervisor other than you approves the request; then you expire the files here. Records stay.</p>\n";
  body += "<h2>My retention requests</h2>\n" + requests_table(user, mine, false, true);
  return render_page("Expiry", user, body);
}

std::string render_retention_request_page(const page_user& user, const retention_request_row& row,
                                          const std::vector<expiry_session_row>& sessions) {
  std::string body = "<p>" + escape_html("retention/" + row.name + " (" + row.kind + ") by " + row.requester + " at " +
                                         format_time(row.requested) + ": " + row.what) +
                     "</p>\n<p>Reference: " + escape_html(row.reference) + "</p>\n<p>State: " + escape_html(row.state) +
                     (row.decided_by.empty() ? std::string() : " by " + escape_html(row.decided_by)) + "</p>\n";
  if (row.kind == "expiry") body += "<h2>Sessions named</h2>\n" + session_table(sessions);
  if (row.state == "pending") body += decision_forms(user, row.name) + "\n";
  return render_page("Retention request", user, body);
}

std::string render_retention_approvals(const page_user& user, const std::vector<retention_request_row>& rows) {
  return "<h2>Retention requests</h2>\n<p>Hold releases and expiry. Approve or refuse another person's request, "
         "never your own; the decision is signed and stored in the retention register.</p>\n" +
         requests_table(user, rows, true, false);
}

}  // namespace bodycam::console::web
