// The JSON API of the request handler (H11 in console_handler.hpp; docs/api.md): /api/v1/sessions (the
// catalogue's search, only sessions the person may open), /api/v1/sessions/<device>/<session> (the session's
// timeline and verdict as the audit shows it; a view, so its access entry first), /api/v1/statistics,
// /api/v1/fleet and /api/v1/openapi.yaml. Same cookie, same route table as the pages; every refusal is JSON.
#include "console/access/route_policy.hpp"
#include "console/web/api_json.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/footage_access.hpp"
#include "console/web/openapi_document.hpp"
#include "console/web/statistics_page.hpp"
#include "console/web/store_analysis.hpp"
#include "tools/audit/render.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "console/web/catalogue_cache.hpp"
#include "tools/catalogue/stats_report.hpp"

#include <charconv>

namespace bodycam::console::web {

namespace core = common::core;
namespace record = common::record;
namespace audit = tools::audit;
namespace cat = tools::catalogue;
using nlohmann::json;

namespace {

constexpr std::string_view api_prefix = "/api/v1/";

web_response forbidden() { return api_error(403, "Your roles do not allow this."); }

std::string value_of(const std::map<std::string, std::string>& form, const char* name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

// A search query from the URL's parameters; the error names the parameter.
core::expected<cat::search_query> search_query_of(std::string_view query) {
  const auto form = parse_form(query);
  if (!form) return core::fail(core::errc::invalid_argument, "session search: a malformed %-escape");
  cat::search_query q;
  q.officer = value_of(*form, "officer");
  q.device = value_of(*form, "device");
  q.unit = value_of(*form, "unit");
  q.category = value_of(*form, "category");
  q.case_number = value_of(*form, "case");
  q.place = value_of(*form, "place");
  q.party = value_of(*form, "party");
  q.text = value_of(*form, "text");
  for (auto [name, out] : {std::pair{"from", &q.from}, {"to", &q.to}}) {
    const std::string text = value_of(*form, name);
    if (text.empty()) continue;
    auto t = tools::bundle::parse_utc(text.size() == 10 ? text + "T00:00:00Z" : text);
    if (!t)
      return core::fail(core::errc::invalid_argument,
                        std::string("session search parameter '") + name + "': not a date or an RFC 3339 UTC time");
    *out = *t;
  }
  const auto number = [&](const char* name, std::uint64_t low, std::uint64_t high,
                          std::uint64_t& out) -> core::status {
    const std::string text = value_of(*form, name);
    if (text.empty()) return {};
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < low || v > high)
      return core::fail(core::errc::invalid_argument, std::string("session search parameter '") + name +
                                                          "': a whole number from " + std::to_string(low) + " to " +
                                                          std::to_string(high));
    out = v;
    return {};
  };
  std::uint64_t limit = q.limit;
  if (auto ok = number("offset", 0, 1'000'000'000, q.offset); !ok) return std::unexpected(ok.error());
  if (auto ok = number("limit", 1, 1000, limit); !ok) return std::unexpected(ok.error());
  q.limit = static_cast<std::uint32_t>(limit);
  return q;
}

}  // namespace

web_response console_handler::api(const web_request& request) {
  const std::string_view path = request.path();
  if (request.method != "GET") {
    auto r = api_error(405, "The API answers GET only.");
    r.set("Allow", "GET");
    return r;
  }
  auto who = check_session(request);  // H2
  if (!who) return api_error(401, who.error().context + "; log in at /login and send the session cookie");
  using access::route;
  if (path == "/api/v1/sessions") return api_sessions(request, *who);
  if (path.starts_with("/api/v1/sessions/")) return api_session(request, *who);
  if (path == "/api/v1/statistics") return api_statistics(request, *who);
  if (path == "/api/v1/fleet") return api_fleet(*who);
  if (path == "/api/v1/openapi.yaml") {
    if (!access::is_allowed(route::api_openapi, who->roles, access::ownership::none)) return forbidden();
    web_response r;
    r.content_type = "application/yaml";
    r.body = std::string(openapi_yaml());
    return r;
  }
  return api_error(404, "No such API route: " + std::string(path.substr(0, 200)));
}

web_response console_handler::api_sessions(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::api_sessions, who.roles, access::ownership::none)) return forbidden();
  auto q = search_query_of(request.query());
  if (!q) return api_error(400, q.error().context);
  // A person who may not open other people's sessions (an officer) searches their own only, those they wore the
  // camera for or joined (search_query Q4, the same restriction as the search page); the typed filters still apply,
  // so `officer=<another>` finds the sessions both were officers of.
  if (!access::is_allowed(access::route::api_session, who.roles, access::ownership::other)) q->own_officer = who.person;
  if (ctx_.catalogue == nullptr) return api_error(503, "search the catalogue: this console has none configured");
  auto page = ctx_.catalogue->search(*ctx_.store, *q, ctx_.clock());
  if (!page) return api_error(503, "search the catalogue: " + page.error().context);
  const cat::search_page& found = *page;
  json sessions = json::array();
  for (const auto& row : found.rows) sessions.push_back(session_row_json(row));
  return api_answer({{"format", "bodycam-api-sessions"},
                     {"version", 1},
                     {"total", found.total},
                     {"offset", q->offset},
                     {"limit", q->limit},
                     {"sessions", sessions}});
}

web_response console_handler::api_session(const web_request& request, const signed_in& who) {
  // H7: /api/v1/sessions/<device>/<32 hex>
  const std::string_view rest = request.path().substr(std::string_view("/api/v1/sessions/").size());
  const auto slash = rest.find('/');
  const auto not_found = [] { return api_error(404, "No such session."); };
  if (slash == std::string_view::npos) return not_found();
  auto device = record::device_id::parse(rest.substr(0, slash));
  const std::string_view hex = rest.substr(slash + 1);
  auto session_id = hex.size() == 32 ? record::session_id::parse(hex) : std::unexpected(core::error{});
  if (!device || !session_id) return not_found();
  const auto now = ctx_.clock();
  auto report = analyse_store(*ctx_.store, now);
  if (!report) return api_error(503, "read the store: " + report.error().context);
  const audit::device_audit* dev = nullptr;
  const audit::session_audit* session = nullptr;
  for (const auto& d : report->devices)
    if (d.device == *device)
      for (const auto& s : d.sessions)
        if (s.session == *session_id) dev = &d, session = &s;
  if (session == nullptr) return not_found();
  if (!access::is_allowed(access::route::api_session, who.roles, owner_of(*session, who))) return forbidden();  // H4
  const auto purpose = parse_form(request.query());
  const auto reference = purpose && purpose->contains("purpose") ? purpose->at("purpose") : std::string();
  auto entry = append_access(*ctx_.store, who, access_draft(who, "api_view", reference, *device, *session, now));  // H5
  if (!entry)
    return api_error(503, "write the access entry for this view, so nothing is shown: " + entry.error().context);
  return api_answer({{"format", "bodycam-api-session"},
                     {"version", 1},
                     {"device", dev->device.str()},
                     {"verdict", std::string(common::chain::to_string(dev->verdict))},
                     {"access_entry", "access/" + tools::registers::entry_name(entry->body)},
                     {"session", audit::session_json(*session)}});
}

web_response console_handler::api_statistics(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::api_statistics, who.roles, access::ownership::none)) return forbidden();
  auto query = parse_stats_query(request.query());
  if (!query) return api_error(400, query.error().context);
  auto cells = statistics_for(who, *query);
  if (!cells) return api_error(503, cells.error().context);
  auto doc = cat::stats_document(*cells, query->request, query->from, query->to);
  const auto scope = stats_scope(who.roles, who.unit);
  doc["scope"] = scope ? json(*scope) : json(nullptr);
  return api_answer(doc);
}

web_response console_handler::api_fleet(const signed_in& who) {
  if (!access::is_allowed(access::route::api_fleet, who.roles, access::ownership::none)) return forbidden();
  auto view = collect_fleet();
  if (!view) return api_error(503, view.error().context);
  return api_answer(fleet_json(view->cameras, view->docks));
}

}  // namespace bodycam::console::web
