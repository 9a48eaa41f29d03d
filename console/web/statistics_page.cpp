// The statistics page (Z1-Z3 in statistics_page.hpp).
#include "console/web/statistics_page.hpp"

#include "common/core/html.hpp"
#include "console/web/stats_chart.hpp"
#include "console/web/web_message.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/catalogue/stats_report.hpp"
#include "tools/enrollment/enrollment_entry.hpp"

#include <cstdio>

namespace bodycam::console::web {

namespace {

namespace core = common::core;
namespace cat = tools::catalogue;
using common::core::escape_html;

// RFC 3339 as `bodycam stats --from` takes it, or a plain date meaning its midnight UTC.
core::expected<common::record::utc_time> parse_time(const std::string& text, const char* name) {
  std::string full = text;
  if (full.size() == 10) full += "T00:00:00Z";
  auto t = tools::bundle::parse_utc(full);
  if (!t) return core::fail(core::errc::invalid_argument, std::string("statistics parameter '") + name + "': '" +
                                                              text + "' is not a date or an RFC 3339 UTC time");
  return t;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string option(const std::string& value, const std::string& chosen) {
  return "<option value=\"" + escape_html(value) + "\"" + (value == chosen ? " selected" : "") + ">" +
         escape_html(value) + "</option>";
}

}  // namespace

core::expected<stats_query> parse_stats_query(std::string_view query) {
  const auto form = parse_form(query);
  if (!form) return core::fail(core::errc::invalid_argument, "statistics query: a malformed %-escape");
  stats_query q;
  const auto value = [&](const char* name, std::string& out) {
    if (const auto it = form->find(name); it != form->end() && !it->second.empty()) out = it->second;
  };
  value("by", q.by);
  value("period", q.period);
  value("from", q.from);
  value("to", q.to);
  const auto group = cat::parse_stats_group(q.by);
  if (!group) return core::fail(core::errc::invalid_argument, "statistics parameter 'by': use officer or unit");
  const auto period = cat::parse_stats_period(q.period);
  if (!period)
    return core::fail(core::errc::invalid_argument, "statistics parameter 'period': use day, week or month");
  q.request.group = *group;
  q.request.period = *period;
  if (!q.from.empty()) {
    auto t = parse_time(q.from, "from");
    if (!t) return std::unexpected(t.error());
    q.request.from = *t;
  }
  if (!q.to.empty()) {
    auto t = parse_time(q.to, "to");
    if (!t) return std::unexpected(t.error());
    q.request.to = *t;
  }
  return q;
}

std::string stats_query_string(const stats_query& q) {
  std::string out = "by=" + url_encode(q.by) + "&period=" + url_encode(q.period);
  if (!q.from.empty()) out += "&from=" + url_encode(q.from);
  if (!q.to.empty()) out += "&to=" + url_encode(q.to);
  return out;
}

std::optional<std::string> stats_scope(std::uint8_t roles, const std::string& unit) {
  using tools::enrollment::role;
  if ((roles & static_cast<std::uint8_t>(role::auditor)) != 0) return std::nullopt;
  if ((roles & static_cast<std::uint8_t>(role::supervisor)) != 0 && !unit.empty()) return unit;
  return std::nullopt;
}

std::string scope_text(const std::optional<std::string>& scope) { return scope ? "unit " + *scope : "all units"; }

std::string render_statistics_page(const page_user& user, const stats_query& query,
                                   const std::optional<std::string>& scope, const std::vector<cat::stats_cell>& cells) {
  std::string body =
      "<form method=\"get\" action=\"/statistics\" class=\"filters\">"
      "<label>Per <select name=\"by\">" + option("officer", query.by) + option("unit", query.by) +
      "</select></label><label>Period <select name=\"period\">" + option("day", query.period) +
      option("week", query.period) + option("month", query.period) +
      "</select></label><label>From <input name=\"from\" placeholder=\"2026-12-01\" value=\"" +
      escape_html(query.from) + "\"></label><label>To <input name=\"to\" placeholder=\"2027-01-01\" value=\"" +
      escape_html(query.to) + "\"></label><button type=\"submit\">Show</button></form>\n";
  body += "<p>Sessions of " + escape_html(scope_text(scope)) + ", per " + escape_html(query.by) + " and " +
          escape_html(query.period) + " (UTC; weeks are ISO 8601). <a href=\"/statistics.csv?" +
          escape_html(stats_query_string(query)) + "\">Download as CSV</a> (the same as <code>bodycam stats --csv</code>).</p>\n";
  body += "<table class=\"statistics\"><thead><tr><th>" + escape_html(query.by) +
          "</th><th>Period</th><th>Sessions</th><th>Hours</th><th>Statements missing</th><th>Statements silent</th>"
          "<th>Interruptions by reason</th><th>Unexplained gaps</th><th>Late uploads</th><th>Noted</th>"
          "<th>Categorised</th><th>Exports</th></tr></thead><tbody>\n";
  std::vector<chart_bar> sessions, hours;
  for (const auto& c : cells) {
    const std::string interruptions = cat::interruptions_text(c.interruptions);
    body += "<tr><td>" + escape_html(c.group) + "</td><td>" + escape_html(c.period) + "</td><td>" +
            std::to_string(c.sessions) + "</td><td>" + fixed(c.hours, 2) + "</td><td>" +
            std::to_string(c.statements_missing) + "</td><td>" + std::to_string(c.statements_silent) + "</td><td>" +
            escape_html(interruptions.empty() ? "none" : interruptions) + "</td><td>" +
            std::to_string(c.unexplained_gaps) + "</td><td>" + std::to_string(c.late_uploads) + "</td><td>" +
            fixed(100 * c.noted_share(), 0) + " %</td><td>" + fixed(100 * c.categorised_share(), 0) + " %</td><td>" +
            std::to_string(c.exports) + "</td></tr>\n";
    sessions.push_back({c.group + " " + c.period, static_cast<double>(c.sessions)});
    hours.push_back({c.group + " " + c.period, c.hours});
  }
  body += "</tbody></table>\n";
  if (cells.empty()) body += "<p>No sessions in the range.</p>\n";
  body += "<figure>" + render_bar_chart("Sessions per " + query.by + " and " + query.period, sessions, 0, "") +
          "</figure>\n<figure>" +
          render_bar_chart("Hours recorded per " + query.by + " and " + query.period, hours, 2, " h") + "</figure>\n";
  return render_layout("Statistics", &user, body);
}

}  // namespace bodycam::console::web
