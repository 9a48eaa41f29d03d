// The console's one authorization table (route_policy.hpp).
#include "console/access/route_policy.hpp"

namespace bodycam::console::access {

namespace {

// clang-format off
constexpr std::array rules{
  //         route                    role              none   own    other
  route_rule{route::home,             role::officer,    true,  false, false},
  route_rule{route::home,             role::clerk,      true,  false, false},
  route_rule{route::home,             role::supervisor, true,  false, false},
  route_rule{route::home,             role::auditor,    true,  false, false},
  route_rule{route::home,             role::admin,      true,  false, false},
  route_rule{route::session_list,     role::officer,    true,  false, false},
  route_rule{route::session_list,     role::clerk,      true,  false, false},
  route_rule{route::session_list,     role::supervisor, true,  false, false},
  route_rule{route::session_page,     role::officer,    false, true,  false},
  route_rule{route::session_page,     role::clerk,      false, true,  true},
  route_rule{route::session_page,     role::supervisor, false, true,  true},
  route_rule{route::session_playback, role::officer,    false, true,  false},
  route_rule{route::session_playback, role::clerk,      false, true,  true},
  route_rule{route::session_playback, role::supervisor, false, true,  true},
  route_rule{route::file_download,    role::officer,    false, true,  false},
  route_rule{route::file_download,    role::clerk,      false, true,  true},
  route_rule{route::file_download,    role::supervisor, false, true,  true},
  route_rule{route::access_register,  role::auditor,    true,  false, false},
  route_rule{route::audit_report,     role::auditor,    true,  false, false},
  route_rule{route::enrollment_view,  role::admin,      true,  false, false},
  route_rule{route::export_request,   role::clerk,      true,  false, false},
  route_rule{route::export_list,      role::clerk,      true,  false, false},
  route_rule{route::export_download,  role::clerk,      false, true,  false},
  route_rule{route::approvals,        role::supervisor, true,  false, false},
  route_rule{route::approval_decision, role::supervisor, false, false, true},
  route_rule{route::fleet,            role::supervisor, true,  false, false},
  route_rule{route::fleet,            role::auditor,    true,  false, false},
  route_rule{route::fleet,            role::admin,      true,  false, false},
  route_rule{route::statistics,       role::supervisor, true,  false, false},
  route_rule{route::statistics,       role::auditor,    true,  false, false},
  route_rule{route::statistics_csv,   role::supervisor, true,  false, false},
  route_rule{route::statistics_csv,   role::auditor,    true,  false, false},
  route_rule{route::api_sessions,     role::officer,    true,  false, false},
  route_rule{route::api_sessions,     role::clerk,      true,  false, false},
  route_rule{route::api_sessions,     role::supervisor, true,  false, false},
  route_rule{route::api_session,      role::officer,    false, true,  false},
  route_rule{route::api_session,      role::clerk,      false, true,  true},
  route_rule{route::api_session,      role::supervisor, false, true,  true},
  route_rule{route::api_statistics,   role::supervisor, true,  false, false},
  route_rule{route::api_statistics,   role::auditor,    true,  false, false},
  route_rule{route::api_fleet,        role::supervisor, true,  false, false},
  route_rule{route::api_fleet,        role::auditor,    true,  false, false},
  route_rule{route::api_fleet,        role::admin,      true,  false, false},
  route_rule{route::api_openapi,      role::officer,    true,  false, false},
  route_rule{route::api_openapi,      role::clerk,      true,  false, false},
  route_rule{route::api_openapi,      role::supervisor, true,  false, false},
  route_rule{route::api_openapi,      role::auditor,    true,  false, false},
  route_rule{route::api_openapi,      role::admin,      true,  false, false},
  // search and notes
  route_rule{route::search,           role::officer,    true,  false, false},
  route_rule{route::search,           role::clerk,      true,  false, false},
  route_rule{route::search,           role::supervisor, true,  false, false},
  route_rule{route::note_add,         role::officer,    false, true,  false},
  route_rule{route::note_add,         role::clerk,      false, true,  true},
  route_rule{route::viewing_copy,     role::officer,    false, true,  false},
  route_rule{route::viewing_copy,     role::clerk,      false, true,  true},
  route_rule{route::viewing_copy,     role::supervisor, false, true,  true},
  // retention: holds, releases and expiry, each by two people
  route_rule{route::hold_place,       role::clerk,      false, true,  true},
  route_rule{route::hold_place,       role::supervisor, false, true,  true},
  route_rule{route::release_request,  role::clerk,      true,  false, false},
  route_rule{route::release_request,  role::supervisor, true,  false, false},
  route_rule{route::expiry_view,      role::clerk,      true,  false, false},
  route_rule{route::expiry_view,      role::supervisor, true,  false, false},
  route_rule{route::expiry_request,   role::clerk,      true,  false, false},
  route_rule{route::expiry_request,   role::supervisor, true,  false, false},
  route_rule{route::retention_decision, role::supervisor, false, false, true},
  route_rule{route::retention_execute, role::clerk,     false, true,  false},
  route_rule{route::retention_execute, role::supervisor, false, true, false},
};
// clang-format on

}  // namespace

std::string_view to_string(route r) noexcept {
  switch (r) {
    case route::home: return "home";
    case route::session_list: return "session_list";
    case route::session_page: return "session_page";
    case route::session_playback: return "session_playback";
    case route::file_download: return "file_download";
    case route::access_register: return "access_register";
    case route::audit_report: return "audit_report";
    case route::enrollment_view: return "enrollment_view";
    case route::export_request: return "export_request";
    case route::export_list: return "export_list";
    case route::export_download: return "export_download";
    case route::approvals: return "approvals";
    case route::approval_decision: return "approval_decision";
    case route::fleet: return "fleet";
    case route::statistics: return "statistics";
    case route::statistics_csv: return "statistics_csv";
    case route::api_sessions: return "api_sessions";
    case route::api_session: return "api_session";
    case route::api_statistics: return "api_statistics";
    case route::api_fleet: return "api_fleet";
    case route::api_openapi: return "api_openapi";
    case route::search: return "search";
    case route::note_add: return "note_add";
    case route::viewing_copy: return "viewing_copy";
    case route::hold_place: return "hold_place";
    case route::release_request: return "release_request";
    case route::expiry_view: return "expiry_view";
    case route::expiry_request: return "expiry_request";
    case route::retention_decision: return "retention_decision";
    case route::retention_execute: return "retention_execute";
  }
  return "unknown";
}

std::string_view to_string(ownership o) noexcept {
  switch (o) {
    case ownership::none: return "none";
    case ownership::own: return "own";
    case ownership::other: return "other";
  }
  return "unknown";
}

bool is_footage_route(route r) noexcept {
  return r == route::session_page || r == route::session_playback || r == route::file_download ||
         r == route::api_session || r == route::viewing_copy;
}

std::string_view api_path(route r) noexcept {
  switch (r) {
    case route::api_sessions: return "/api/v1/sessions";
    case route::api_session: return "/api/v1/sessions/{device}/{session}";
    case route::api_statistics: return "/api/v1/statistics";
    case route::api_fleet: return "/api/v1/fleet";
    case route::api_openapi: return "/api/v1/openapi.yaml";
    default: return "";
  }
}

bool is_request_route(route r) noexcept {
  return r == route::export_download || r == route::approval_decision || r == route::retention_decision ||
         r == route::retention_execute;
}

bool is_note_route(route r) noexcept { return r == route::note_add || r == route::hold_place; }

std::span<const route_rule> route_rules() noexcept { return rules; }

bool is_allowed(route r, std::uint8_t roles, ownership o) noexcept {
  if ((is_footage_route(r) || is_request_route(r) || is_note_route(r)) && o == ownership::none) return false;  // P2
  for (const route_rule& rule : rules) {
    if (rule.what != r || (roles & static_cast<std::uint8_t>(rule.who)) == 0) continue;
    if ((o == ownership::none && rule.if_none) || (o == ownership::own && rule.if_own) ||
        (o == ownership::other && rule.if_other))
      return true;
  }
  return false;  // P1
}

}  // namespace bodycam::console::access
