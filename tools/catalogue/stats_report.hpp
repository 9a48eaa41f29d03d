// The one writer of supervision statistics as CSV and as JSON: `bodycam stats --csv/--json` and the console's
// statistics page, CSV download and JSON API all print through these, so the same cells give the same bytes
// everywhere. Pure: cells in, text or a JSON value out.
// Guarantees:
//  W1. CSV: a header line, then one line per cell in the cells' order (supervision_stats T3), "\n" line ends;
//      hours with two decimals, shares with three; a field holding a comma, a quote or a line end is quoted
//      with inner quotes doubled (RFC 4180); interruptions are "reason=n" joined by ';'.
//  W2. JSON: the cells as an array of objects with the fields of stats_cell plus noted_share and
//      categorised_share, in the cells' order; the document (stats_document) is format "bodycam-stats",
//      version 1.
#pragma once

#include "tools/catalogue/supervision_stats.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bodycam::tools::catalogue {

// W1: `by` names the first column ("officer" or "unit").
[[nodiscard]] std::string stats_csv(const std::vector<stats_cell>& cells, std::string_view by);
// "reason=n;reason=n" in reason order.
[[nodiscard]] std::string interruptions_text(const std::map<std::string, std::uint64_t>& interruptions);
// W2.
[[nodiscard]] nlohmann::json stats_cells_json(const std::vector<stats_cell>& cells);
// W2: {format, version, by, period, from, to, cells}; from/to are the texts given or null.
[[nodiscard]] nlohmann::json stats_document(const std::vector<stats_cell>& cells, const stats_request& request,
                                            const std::string& from_text, const std::string& to_text);

}  // namespace bodycam::tools::catalogue
