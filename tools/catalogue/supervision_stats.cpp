#include "tools/catalogue/supervision_stats.hpp"

#include <chrono>
#include <cstdio>

namespace bodycam::tools::catalogue {

namespace {

bool in_range(record::utc_time t, const stats_request& r) {
  return (!r.from || t >= *r.from) && (!r.to || t < *r.to);
}

std::string group_of(const session_row& row, stats_group g) {
  const std::string& v = g == stats_group::officer ? row.officer : row.unit;
  return v.empty() ? std::string(unknown_group) : v;
}

}  // namespace

std::optional<stats_group> parse_stats_group(std::string_view text) noexcept {
  if (text == "officer") return stats_group::officer;
  if (text == "unit") return stats_group::unit;
  return std::nullopt;
}

std::optional<stats_period> parse_stats_period(std::string_view text) noexcept {
  if (text == "day") return stats_period::day;
  if (text == "week") return stats_period::week;
  if (text == "month") return stats_period::month;
  return std::nullopt;
}

std::string_view to_string(stats_group g) noexcept { return g == stats_group::officer ? "officer" : "unit"; }

std::string_view to_string(stats_period p) noexcept {
  switch (p) {
    case stats_period::day: return "day";
    case stats_period::week: return "week";
    case stats_period::month: return "month";
  }
  return "";
}

std::string period_label(record::utc_time t, stats_period p) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{sys_days{day}};
  char buf[32];  // the longest: a year of up to 11 characters, "-W" and a week of up to 11
  switch (p) {
    case stats_period::day:
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
      return buf;
    case stats_period::month:
      std::snprintf(buf, sizeof buf, "%04d-%02u", int(ymd.year()), unsigned(ymd.month()));
      return buf;
    case stats_period::week: {
      // ISO 8601: the week's Thursday decides its year; week 1 holds that year's first Thursday.
      const weekday wd{sys_days{day}};
      const int iso_wd = static_cast<int>(wd.iso_encoding());  // Monday 1 .. Sunday 7
      const sys_days thursday = sys_days{day} + days{4 - iso_wd};
      const year y = year_month_day{thursday}.year();
      const sys_days jan1 = sys_days{y / January / 1};
      const int week = int((thursday - jan1).count() / 7) + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02d", int(y), week);
      return buf;
    }
  }
  return {};
}

std::vector<stats_cell> supervision_stats(const std::vector<session_row>& rows, const std::vector<export_row>& exports,
                                          const stats_request& request) {
  std::map<std::pair<std::string, std::string>, stats_cell> cells;
  const auto cell = [&](const std::string& group, const std::string& period) -> stats_cell& {
    auto& c = cells[{group, period}];
    c.group = group;
    c.period = period;
    return c;
  };
  for (const auto& row : rows) {  // T1
    if (!in_range(row.start, request)) continue;
    auto& c = cell(group_of(row, request.group), period_label(row.start, request.period));
    ++c.sessions;
    c.hours += std::chrono::duration<double, std::ratio<3600>>(row.duration).count();
    c.statements_missing += row.statements_missing;
    c.statements_silent += row.statements_silent;
    for (const auto& [reason, n] : row.interruptions) c.interruptions[reason] += n;
    c.unexplained_gaps += row.unexplained_gaps;
    c.late_uploads += row.late_uploads;
    if (row.note_entries > 0) ++c.noted;
    if (!row.category.empty()) ++c.categorised;
  }
  for (const auto& e : exports) {  // T2
    if (!in_range(e.utc, request)) continue;
    const bool any_time = e.from == record::utc_time{} && e.to == record::utc_time{};
    for (const auto& row : rows) {
      if (row.device != e.device) continue;
      const bool named = e.session.empty()
                             ? (any_time || (row.start >= e.from && (e.to == record::utc_time{} || row.start < e.to)))
                             : row.session == e.session;
      if (named) ++cell(group_of(row, request.group), period_label(e.utc, request.period)).exports;
    }
  }
  std::vector<stats_cell> out;
  for (auto& [key, c] : cells) out.push_back(std::move(c));  // T3: the map's order
  return out;
}

}  // namespace bodycam::tools::catalogue
