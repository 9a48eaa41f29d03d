// The JSON API's documents (J1-J3 in api_json.hpp).
#include "console/web/api_json.hpp"

#include "common/record/record_json.hpp"

namespace bodycam::console::web {

using nlohmann::json;
using common::record::format_utc;

std::string_view api_error_code(unsigned status) noexcept {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 500: return "internal";
    case 503: return "unavailable";
    default: return "error";
  }
}

web_response api_answer(const json& document) {
  web_response r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return r;
}

web_response api_error(unsigned status, const std::string& message) {
  auto r = api_answer({{"error", {{"status", status}, {"code", std::string(api_error_code(status))}, {"message", message}}}});
  r.status = status;
  return r;
}

std::string api_session_href(const std::string& device, const std::string& session) {
  return "/api/v1/sessions/" + url_encode(device) + "/" + url_encode(session);
}

json session_row_json(const tools::catalogue::session_row& row) {
  json j{{"device", row.device},
         {"session", row.session},
         {"href", api_session_href(row.device, row.session)},
         {"officer", row.officer},
         {"joined_officers", row.joined},
         {"unit", row.unit},
         {"start_utc", format_utc(row.start)},
         {"end_utc", row.end ? json(format_utc(*row.end)) : json(nullptr)},
         {"duration_s", row.duration.count()},
         {"segments", row.segments},
         {"statements_present", row.statements_present},
         {"statements_silent", row.statements_silent},
         {"statements_missing", row.statements_missing},
         {"interruptions", row.interruptions},
         {"unexplained_gaps", row.unexplained_gaps},
         {"late_uploads", row.late_uploads},
         {"time_to_storage_s", row.time_to_storage ? json(row.time_to_storage->count()) : json(nullptr)},
         {"notes",
          {{"place", row.place},
           {"party", row.party},
           {"case_number", row.case_number},
           {"category", row.category},
           {"text", row.text},
           {"entries", row.note_entries}}}};
  return j;
}

json fleet_json(const std::vector<fleet_row>& cameras, const std::vector<dock_row>& docks) {
  json cams = json::array();
  for (const auto& c : cameras)
    cams.push_back({{"device", c.device},
                    {"unit", c.unit},
                    {"officer", c.officer},
                    {"last_docking", c.last_docking},
                    {"backlog", c.backlog},
                    {"oldest_unstored", c.oldest_unstored},
                    {"deadline", c.deadline},
                    {"overdue", c.overdue}});
  json ds = json::array();
  for (const auto& d : docks)
    ds.push_back({{"url", d.url},
                  {"reachable", d.reachable},
                  {"dock_id", d.dock_id},
                  {"state", d.state},
                  {"alarm", d.alarm},
                  {"pending", d.pending}});
  return {{"format", "bodycam-api-fleet"}, {"version", 1}, {"cameras", cams}, {"docks", ds}};
}

}  // namespace bodycam::console::web
