// The statistics routes of the request handler (H10 in console_handler.hpp): the page and its CSV, and the
// computation the JSON API shares with them — the console's catalogue refreshed from the store, the rows of
// the person's scope (statistics_page.hpp Z2), and tools/catalogue's supervision_stats over them.
#include "console/access/route_policy.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/statistics_page.hpp"
#include "console/web/catalogue_cache.hpp"
#include "tools/catalogue/stats_report.hpp"

#include <algorithm>

namespace bodycam::console::web {

namespace core = common::core;
namespace cat = tools::catalogue;

core::expected<std::vector<cat::stats_cell>> console_handler::statistics_for(const signed_in& who,
                                                                            const stats_query& query) {
  if (ctx_.catalogue == nullptr)
    return core::fail(core::errc::unsupported, "read the catalogue: this console has none configured");
  auto input = ctx_.catalogue->statistics_input(*ctx_.store, ctx_.clock());
  if (!input) return std::unexpected(input.error());
  if (const auto scope = stats_scope(who.roles, who.unit))  // Z2
    std::erase_if(input->rows, [&](const cat::session_row& r) { return r.unit != *scope; });
  return cat::supervision_stats(input->rows, input->exports, query.request);
}

web_response console_handler::statistics_page(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::statistics, who.roles, access::ownership::none))
    return error_response(403, "Not allowed", "Your roles do not allow the statistics.");
  auto query = parse_stats_query(request.query());
  if (!query) return error_response(400, "Bad query", query.error().context);
  auto cells = statistics_for(who, *query);
  if (!cells) return error_response(503, "Statistics unavailable", cells.error().context);
  web_response r;
  r.body = render_statistics_page({who.person, who.roles, who.csrf}, *query, stats_scope(who.roles, who.unit), *cells);
  return r;
}

web_response console_handler::statistics_csv(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::statistics_csv, who.roles, access::ownership::none))
    return error_response(403, "Not allowed", "Your roles do not allow the statistics.");
  auto query = parse_stats_query(request.query());
  if (!query) return error_response(400, "Bad query", query.error().context);
  auto cells = statistics_for(who, *query);
  if (!cells) return error_response(503, "Statistics unavailable", cells.error().context);
  web_response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = cat::stats_csv(*cells, query->by);
  r.set("Content-Disposition", "attachment; filename=\"bodycam-stats-" + query->by + "-" + query->period + ".csv\"");
  return r;
}

}  // namespace bodycam::console::web
