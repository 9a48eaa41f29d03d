// Statistics for supervision (tools/catalogue/supervision_stats.hpp) over hand-made rows: each session in
// exactly one cell (T1), exports attributed to the sessions they name (T2), ISO weeks at year edges.
#include "tools/catalogue/stats_report.hpp"
#include "tools/catalogue/supervision_stats.hpp"

#include <catch2/catch.hpp>

namespace cat = bodycam::tools::catalogue;
namespace record = bodycam::common::record;
using namespace std::chrono;

namespace {

record::utc_time on(int y, unsigned m, unsigned d, int hour = 0) {
  return record::utc_time(sys_days(year(y) / month(m) / std::chrono::day(d))) + hours(hour);
}

cat::session_row row(std::string officer, std::string unit, record::utc_time start, minutes length) {
  static int n = 0;
  cat::session_row r;
  r.device = "cam-" + officer;
  r.session = std::to_string(++n);
  r.officer = std::move(officer);
  r.unit = std::move(unit);
  r.start = start;
  r.end = start + length;
  r.duration = duration_cast<seconds>(length);
  return r;
}

}  // namespace

TEST_CASE("period labels: days, months and ISO weeks, including the weeks that cross a year") {
  CHECK(cat::period_label(on(2026, 12, 5, 23), cat::stats_period::day) == "2026-12-05");
  CHECK(cat::period_label(on(2026, 12, 5), cat::stats_period::month) == "2026-12");
  CHECK(cat::period_label(on(2026, 12, 5), cat::stats_period::week) == "2026-W49");
  CHECK(cat::period_label(on(2021, 1, 3), cat::stats_period::week) == "2020-W53");  // a Sunday
  CHECK(cat::period_label(on(2021, 1, 4), cat::stats_period::week) == "2021-W01");  // the Monday after
  CHECK(cat::period_label(on(2024, 12, 30), cat::stats_period::week) == "2025-W01");
  CHECK(cat::period_label(on(2026, 1, 1), cat::stats_period::week) == "2026-W01");  // a Thursday
}

TEST_CASE("each session counts once, in the cell of its officer and the period of its start") {
  std::vector<cat::session_row> rows;
  rows.push_back(row("officer-1", "north", on(2026, 12, 1, 8), minutes(90)));
  rows.push_back(row("officer-1", "north", on(2026, 12, 1, 14), minutes(30)));
  rows.push_back(row("officer-1", "north", on(2026, 12, 2, 8), minutes(60)));
  rows.push_back(row("officer-2", "north", on(2026, 12, 1, 9), minutes(120)));
  rows.push_back(row("", "", on(2026, 12, 1, 9), minutes(6)));
  rows[0].statements_missing = 1;
  rows[0].statements_silent = 2;
  rows[0].interruptions = {{"low_battery", 1}, {"power_loss", 2}};
  rows[1].interruptions = {{"low_battery", 1}};
  rows[1].unexplained_gaps = 1;
  rows[1].late_uploads = 3;
  rows[0].note_entries = 2;
  rows[0].category = "traffic";
  rows[1].note_entries = 1;  // noted, not categorised

  const auto cells = cat::supervision_stats(rows, {}, {cat::stats_group::officer, cat::stats_period::day, {}, {}});
  REQUIRE(cells.size() == 4);
  CHECK(cells[0].group == "(unknown)");
  const auto& c = cells[1];
  CHECK(c.group == "officer-1");
  CHECK(c.period == "2026-12-01");
  CHECK(c.sessions == 2);
  CHECK(c.hours == Approx(2.0));
  CHECK(c.statements_missing == 1);
  CHECK(c.statements_silent == 2);
  CHECK(c.interruptions == std::map<std::string, std::uint64_t>{{"low_battery", 2}, {"power_loss", 2}});
  CHECK(c.unexplained_gaps == 1);
  CHECK(c.late_uploads == 3);
  CHECK(c.noted_share() == Approx(1.0));
  CHECK(c.categorised_share() == Approx(0.5));
  CHECK(cells[2].period == "2026-12-02");
  CHECK(cells[3].group == "officer-2");
  std::uint64_t total = 0;
  for (const auto& x : cells) total += x.sessions;
  CHECK(total == rows.size());

  SECTION("by unit and month: one cell for the unit, one for the unknown") {
    const auto by_unit = cat::supervision_stats(rows, {}, {cat::stats_group::unit, cat::stats_period::month, {}, {}});
    REQUIRE(by_unit.size() == 2);
    CHECK(by_unit[1].group == "north");
    CHECK(by_unit[1].period == "2026-12");
    CHECK(by_unit[1].sessions == 4);
    CHECK(by_unit[1].hours == Approx(5.0));
  }
  SECTION("from and to bound the sessions by start: [from, to)") {
    const auto bounded = cat::supervision_stats(
        rows, {}, {cat::stats_group::officer, cat::stats_period::day, on(2026, 12, 1, 9), on(2026, 12, 2, 8)});
    std::uint64_t n = 0;
    for (const auto& x : bounded) n += x.sessions;
    CHECK(n == 3);  // 09:00 twice and 14:00; not 08:00 on either day
  }
  SECTION("exports count for the session they name, in the period of the export") {
    std::vector<cat::export_row> exports;
    exports.push_back({rows[0].device, rows[0].session, on(2026, 12, 3, 10), "clerk-1", "CASE-1", {}, {}});
    exports.push_back({rows[3].device, "", on(2026, 12, 3, 11), "clerk-1", "CASE-2", on(2026, 12, 1), on(2026, 12, 2)});
    exports.push_back({"cam-unknown", "", on(2026, 12, 3, 11), "clerk-1", "CASE-3", {}, {}});
    const auto with = cat::supervision_stats(rows, exports, {cat::stats_group::officer, cat::stats_period::day, {}, {}});
    std::map<std::string, std::uint64_t> exports_by;
    for (const auto& x : with)
      if (x.exports > 0) exports_by[x.group + " " + x.period] = x.exports;
    CHECK(exports_by == std::map<std::string, std::uint64_t>{{"officer-1 2026-12-03", 1}, {"officer-2 2026-12-03", 1}});
  }
}

TEST_CASE("stats_csv: the golden CSV, with hostile group names quoted (stats_report W1)") {
  cat::stats_cell a;
  a.group = "unit \"north\", night";
  a.period = "2026-W49";
  a.sessions = 3;
  a.hours = 1.0 / 3;
  a.statements_missing = 1;
  a.interruptions = {{"low_battery", 2}, {"fault", 1}};
  a.noted = 1;
  a.categorised = 2;
  a.exports = 4;
  cat::stats_cell b;
  b.group = "officer-7";
  b.period = "2026-W50";
  CHECK(cat::stats_csv({a, b}, "unit") ==
        "unit,period,sessions,hours,statements_missing,statements_silent,interruptions,unexplained_gaps,"
        "late_uploads,noted_share,categorised_share,exports\n"
        "\"unit \"\"north\"\", night\",2026-W49,3,0.33,1,0,fault=1;low_battery=2,0,0,0.333,0.667,4\n"
        "officer-7,2026-W50,0,0.00,0,0,,0,0,0.000,0.000,0\n");
  const auto j = cat::stats_cells_json({a});
  REQUIRE(j.size() == 1);
  CHECK(j[0]["group"] == a.group);
  CHECK(j[0]["interruptions"]["low_battery"] == 2);
  CHECK(j[0]["noted_share"].get<double>() == Approx(1.0 / 3));
}
