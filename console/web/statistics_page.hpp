// The statistics page for supervision (docs/console.md): the query it is asked with (group, period, time
// range) parsed from the URL, who sees which sessions, and the page itself — a form, tables of every measure
// of tools/catalogue's supervision statistics, two server-drawn SVG charts and a link to the same numbers as
// CSV. Pure: the handler computes the cells (the same function `bodycam stats` uses); this parses and renders.
// Guarantees:
//  Z1. A query is whole or refused: by is officer or unit, period day, week or month (defaults: officer,
//      week, as `bodycam stats`); from and to are RFC 3339 UTC or a date (midnight UTC); anything else is an
//      error naming the parameter.
//  Z2. Scope: an auditor sees every session; a supervisor enrolled with a unit sees the sessions whose unit
//      (the camera's enrolled unit, else the officer's: tools/catalogue) is theirs; a supervisor enrolled
//      without a unit sees every session. The scope is printed on the page and in the API's answer.
//  Z3. The page follows pages.hpp G1-G3: every text escaped, no inline script or style.
#pragma once

#include "console/web/pages.hpp"
#include "tools/catalogue/supervision_stats.hpp"

#include "common/core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::console::web {

struct stats_query {
  tools::catalogue::stats_request request;
  std::string by = "officer";  // as given, for the form and the documents
  std::string period = "week";
  std::string from;
  std::string to;
};

// Z1: from a query string ("by=unit&period=month&from=2026-12-01").
[[nodiscard]] common::core::expected<stats_query> parse_stats_query(std::string_view query);
// The query string that asks for `q` again (for the CSV link).
[[nodiscard]] std::string stats_query_string(const stats_query& q);

// Z2: the unit whose sessions `roles`/`unit` may see, or nullopt for all.
[[nodiscard]] std::optional<std::string> stats_scope(std::uint8_t roles, const std::string& unit);
// "unit A" or "all units".
[[nodiscard]] std::string scope_text(const std::optional<std::string>& scope);

[[nodiscard]] std::string render_statistics_page(const page_user& user, const stats_query& query,
                                                 const std::optional<std::string>& scope,
                                                 const std::vector<tools::catalogue::stats_cell>& cells);

}  // namespace bodycam::console::web
