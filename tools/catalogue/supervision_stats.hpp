// Statistics for supervision (DESIGN.md §9): per officer or per unit and per day, ISO week or month, how many
// sessions and hours were recorded, how many statements were missing or silent, interruptions by reason,
// late uploads (more than 24 h to the store), unexplained gaps, the share of sessions noted and categorised,
// and exports from the access register. Pure computation over catalogue rows.
// Invariants:
//  T1. Each session counts in exactly one (group, period) cell: the one of its officer (or unit) and of the
//      UTC day/week/month its start falls in; a session with no officer (unit) counts under "(unknown)".
//  T2. An export counts in the cell of the session it names at the period of the export's time; an export
//      of a device and time range counts once for each session of that device starting in the range. An
//      export naming no session in the rows counts nowhere (it is not invented a group).
//  T3. Cells are ordered by group, then period; periods sort as text (YYYY-MM-DD, YYYY-Www, YYYY-MM).
#pragma once

#include "tools/catalogue/session_row.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::catalogue {

enum class stats_group { officer, unit };
enum class stats_period { day, week, month };
[[nodiscard]] std::optional<stats_group> parse_stats_group(std::string_view text) noexcept;
[[nodiscard]] std::optional<stats_period> parse_stats_period(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(stats_group g) noexcept;
[[nodiscard]] std::string_view to_string(stats_period p) noexcept;

// "2026-12-05", "2026-W49" (ISO 8601 week: Monday first, week 1 holds the first Thursday), "2026-12".
[[nodiscard]] std::string period_label(record::utc_time t, stats_period p);

inline constexpr std::string_view unknown_group = "(unknown)";

struct stats_cell {
  std::string group;
  std::string period;
  std::uint64_t sessions = 0;
  double hours = 0;
  std::uint64_t statements_missing = 0;
  std::uint64_t statements_silent = 0;
  std::map<std::string, std::uint64_t> interruptions;  // reason → count
  std::uint64_t unexplained_gaps = 0;
  std::uint64_t late_uploads = 0;
  std::uint64_t noted = 0;        // sessions with at least one note
  std::uint64_t categorised = 0;  // sessions with a category
  std::uint64_t exports = 0;

  [[nodiscard]] double noted_share() const noexcept { return sessions == 0 ? 0 : double(noted) / double(sessions); }
  [[nodiscard]] double categorised_share() const noexcept {
    return sessions == 0 ? 0 : double(categorised) / double(sessions);
  }
};

struct stats_request {
  stats_group group = stats_group::officer;
  stats_period period = stats_period::day;
  std::optional<record::utc_time> from;  // sessions (exports) at or after
  std::optional<record::utc_time> to;    // before
};

[[nodiscard]] std::vector<stats_cell> supervision_stats(const std::vector<session_row>& rows,
                                                        const std::vector<export_row>& exports,
                                                        const stats_request& request);

}  // namespace bodycam::tools::catalogue
