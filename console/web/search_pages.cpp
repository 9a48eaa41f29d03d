// The search page and the notes section of a session page (search_pages.hpp).
#include "console/web/search_pages.hpp"

#include "common/core/html.hpp"
#include "console/web/web_message.hpp"

namespace bodycam::console::web {

namespace {

using common::core::escape_html;

std::string typed_value(const form_fields& typed, const std::string& name) {
  const auto it = typed.find(name);
  return it == typed.end() ? std::string() : it->second;
}

std::string input(const form_fields& typed, const std::string& name, const std::string& label,
                  const std::string& placeholder = {}) {
  return "<label>" + escape_html(label) + " <input name=\"" + escape_html(name) + "\"" +
         (placeholder.empty() ? std::string() : " placeholder=\"" + escape_html(placeholder) + "\"") + " value=\"" +
         escape_html(typed_value(typed, name)) + "\"></label>";
}

std::string session_href(const std::string& device, const std::string& session) {
  return "/sessions/" + url_encode(device) + "/" + url_encode(session);
}

std::string page_href(const form_fields& typed, std::uint64_t page) {
  std::string out = "/search?";
  for (const auto& [name, value] : typed)
    if (!value.empty()) out += url_encode(name) + "=" + url_encode(value) + "&";
  return out + "page=" + std::to_string(page);
}


}  // namespace

std::string render_search_page(const page_user& user, const form_fields& typed, const search_results& results) {
  std::string body = "<form method=\"get\" action=\"/search\" class=\"filters\">" + input(typed, "officer", "Officer") +
                     input(typed, "device", "Camera") + input(typed, "unit", "Unit") +
                     input(typed, "from", "From", "2026-01-10T08:00") + input(typed, "to", "To", "2026-01-11") +
                     input(typed, "category", "Category") + input(typed, "case", "Case number") +
                     input(typed, "place", "Place") + input(typed, "party", "Party") +
                     input(typed, "text", "Words in notes") + "<button type=\"submit\">Search</button></form>\n";
  if (results.own_only) body += "<p>You see your own sessions only (those you wore the camera for or joined).</p>\n";
  body +=
      "<table class=\"sessions\"><thead><tr><th>Camera</th><th>Officer</th><th>Unit</th><th>Start</th>"
      "<th>Duration</th><th>Category</th><th>Case</th><th>Place</th><th>Party</th><th>Session</th></tr></thead>"
      "<tbody>\n";
  for (const auto& r : results.rows) {
    body += "<tr>" + cell(r.device) + cell(r.officer.empty() ? "unknown" : r.officer) + cell(r.unit) +
            cell(format_time(r.start)) + cell(r.end ? format_duration(r.duration) : "not stopped") + cell(r.category) +
            cell(r.case_number) + cell(r.place) + cell(r.party) + "<td><a href=\"" +
            escape_html(session_href(r.device, r.session)) + "\">" + escape_html(r.session.substr(0, 8)) +
            "</a></td></tr>\n";
  }
  body += "</tbody></table>\n<p>" + std::to_string(results.total) + " session(s)";
  const std::uint64_t pages = (results.total + search_page_size - 1) / search_page_size;
  if (pages > 1) body += ", page " + std::to_string(results.page) + " of " + std::to_string(pages);
  body += ". Opening one writes an access entry.";
  if (results.refreshed)
    body += " Catalogue refreshed from the store at " + escape_html(format_time(*results.refreshed)) + ".";
  body += "</p>\n";
  if (results.page > 1)
    body += "<p><a href=\"" + escape_html(page_href(typed, results.page - 1)) + "\">Previous page</a></p>\n";
  if (results.page < pages)
    body += "<p><a href=\"" + escape_html(page_href(typed, results.page + 1)) + "\">Next page</a></p>\n";
  return render_page("Search", user, body);
}

std::string render_notes_section(const page_user& user, const std::string& device, const std::string& session,
                                 const notes_view& notes) {
  std::string body = "<h2>Case notes</h2>\n";
  if (notes.current.empty()) {
    body += "<p>No notes yet.</p>\n";
  } else {
    body += "<dl class=\"facts\">";
    for (const auto& [field, value] : notes.current)
      body += "<dt>" + escape_html(field) + "</dt><dd>" + escape_html(value) + "</dd>";
    body += "</dl>\n";
  }
  if (!notes.history.empty()) {
    body +=
        "<h3>History of every field</h3><table class=\"note-history\"><thead><tr><th>When</th><th>Who</th>"
        "<th>Field</th><th>Old</th><th>New</th><th>Entry</th></tr></thead><tbody>\n";
    for (const auto& c : notes.history)
      body += "<tr>" + cell(format_time(c.utc)) + cell(c.author) + cell(c.field) +
              cell(c.old_value.empty() ? "—" : c.old_value) + cell(c.new_value) + cell(c.entry) + "</tr>\n";
    body += "</tbody></table>\n";
  }
  for (const auto& l : notes.left_out) body += "<p class=\"problem\">Not counted: " + escape_html(l) + "</p>\n";
  if (notes.may_add) {
    body += "<form method=\"post\" action=\"" + escape_html(session_href(device, session) + "/notes") +
            "\" class=\"filters note\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(user.csrf) +
            "\"><label>Place <input name=\"place\" maxlength=\"256\"></label>"
            "<label>Party <input name=\"party\" maxlength=\"256\"></label>"
            "<label>Case number <input name=\"case\" maxlength=\"64\"></label>"
            "<label>Category <select name=\"category\"><option value=\"\">(unchanged)</option>";
    for (const auto& c : notes.categories)
      body += "<option value=\"" + escape_html(c) + "\">" + escape_html(c) + "</option>";
    body +=
        "</select></label><label>Note <textarea name=\"text\" maxlength=\"4000\"></textarea></label>"
        "<button type=\"submit\">Add note</button></form>\n"
        "<p>A note is a new entry of the metadata register, signed with your key; nothing earlier is changed. "
        "Empty fields are left as they are.</p>\n";
  }
  return body;
}

}  // namespace bodycam::console::web
