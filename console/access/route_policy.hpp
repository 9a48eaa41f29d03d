// Who may use which page of the console: one table, route × role × footage ownership → allowed, the way
// tools/enrollment/authorization_table is the one answer to "who may sign what". Pure data and lookups; the
// request handler asks it before doing anything, and the authorization matrix test is generated from it.
// Ownership: a session is the person's own when the session_start record names them as the officer or an
// officer record shows them joining (console/web/store_analysis.hpp); an export request is the person's own
// when they made it; routes about neither take ownership::none.
// The table in words:
//   officer     home; the session list and search (their own sessions only); view, play and download their own
//               footage (a file, or the session's viewing copy); add notes to their own sessions
//   clerk       home; the session list and search; view, play and download any footage of the agency; add notes
//               to any session; request an export of a session; list their own requests; download the
//               bundle of their own request once a supervisor approved it
//   supervisor  as clerk's footage routes and search (no notes); the approvals page; approve or refuse another
//               person's export request, never their own (docs/formats/access-register.md §3 rule 5); the fleet
//               page
//   auditor     home; the access register; the audit report (chains, log, receipts); the fleet page; no footage
//   admin       home; the enrollment register; the fleet page; no footage at all
// Retention (docs/formats/access-register.md §3 rules 3 and 6, the same two people as `bodycam retention`):
//   hold_place                        clerk, supervisor: a hold on a session they may see (own or other)
//   release_request, expiry_view,     clerk, supervisor: ask to release a hold, see the expiry dry run and
//   expiry_request                    their own retention requests, ask to expire what the dry run lists
//   retention_decision                supervisor, another person's request only (never their own)
//   retention_execute                 clerk, supervisor: their own approved request only
// Statistics and the JSON API (/api/v1, the same data as the pages):
//   statistics, its CSV and api_statistics   supervisor (their unit's sessions, or all if enrolled without a
//                                            unit) and auditor (all, read-only)
//   api_sessions                             as the session list: officer (own only), clerk, supervisor
//   api_session                              as the session page (a footage route: own or other)
//   api_fleet                                as the fleet page
//   api_openapi                              every role
// Guarantees:
//  P1. Anything the table does not list is refused (default deny); a person with several roles is allowed
//      what any one of their roles allows.
//  P2. Footage routes (session_page, session_playback, file_download, api_session, viewing_copy) are allowed only with ownership own or
//      other, never none; the handler must know whose footage it is before asking. The same holds for the
//      request routes (approval_decision, export_download): own or other, the handler knows whose request.
//      And for the note route (note_add): own or other, whose session it is by the same rule as footage, and
//      the hold route (hold_place) likewise. The retention request routes (retention_decision,
//      retention_execute) are request routes: own or other, whose request it is.
#pragma once

#include "tools/enrollment/enrollment_entry.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace bodycam::console::access {

using tools::enrollment::role;

enum class route : std::uint8_t {
  home,
  session_list,
  session_page,
  session_playback,
  file_download,
  access_register,
  audit_report,
  enrollment_view,
  export_request,     // POST /exports/request
  export_list,        // GET /exports: the person's own requests
  export_download,    // GET /exports/<clerk>.<seq>/bundle.tar
  approvals,          // GET /approvals: pending requests
  approval_decision,  // POST /approvals/<clerk>.<seq>
  fleet,              // GET /fleet
  statistics,         // GET /statistics: tables and charts per officer or unit and period
  statistics_csv,     // GET /statistics.csv: the same as `bodycam stats --csv`
  api_sessions,       // GET /api/v1/sessions: the search, only sessions the person may open
  api_session,        // GET /api/v1/sessions/<device>/<session>: its timeline and verdict (a view: access entry)
  api_statistics,     // GET /api/v1/statistics
  api_fleet,          // GET /api/v1/fleet
  api_openapi,        // GET /api/v1/openapi.yaml: the API's description
  search,             // GET /search: the catalogue; results are the sessions session_page allows
  note_add,           // POST /sessions/<device>/<session>/notes
  viewing_copy,       // GET /sessions/<device>/<session>/copy.mp4: the session as one MP4 (tools/copy)
  hold_place,         // POST /sessions/<device>/<session>/holds: a hold on the session (retention register)
  release_request,    // POST /retention/release-request: ask for the end of a hold in force
  expiry_view,        // GET /expiry: the dry run under the policy and the person's own retention requests
  expiry_request,     // POST /expiry/request: ask to expire exactly the files the dry run lists
  retention_decision, // GET and POST /retention/requests/<clerk>.<seq>: a supervisor decides a retention request
  retention_execute,  // POST /retention/requests/<clerk>.<seq>/execute: the requester releases or expires
};
inline constexpr std::array all_routes{route::home,          route::session_list,    route::session_page,
                                       route::session_playback, route::file_download, route::access_register,
                                       route::audit_report,  route::enrollment_view, route::export_request,
                                       route::export_list,   route::export_download, route::approvals,
                                       route::approval_decision, route::fleet,
                                       route::statistics,    route::statistics_csv,  route::api_sessions,
                                       route::api_session,   route::api_statistics,  route::api_fleet,
                                       route::api_openapi,   route::search,          route::note_add,
                                       route::viewing_copy,  route::hold_place,      route::release_request,
                                       route::expiry_view,   route::expiry_request,  route::retention_decision,
                                       route::retention_execute};
inline constexpr std::array all_roles{role::officer, role::clerk, role::supervisor, role::auditor, role::admin};

enum class ownership : std::uint8_t { none, own, other };
inline constexpr std::array all_ownerships{ownership::none, ownership::own, ownership::other};

[[nodiscard]] std::string_view to_string(route r) noexcept;
[[nodiscard]] std::string_view to_string(ownership o) noexcept;
[[nodiscard]] bool is_footage_route(route r) noexcept;
// Routes about one export request: asked with ownership own (the person's request) or other, never none.
[[nodiscard]] bool is_request_route(route r) noexcept;
// The OpenAPI path of an API route ("/api/v1/sessions/{device}/{session}"); "" for the HTML routes.
[[nodiscard]] std::string_view api_path(route r) noexcept;
// Routes that write a note or a hold on one session: asked with ownership own (the person's session) or other,
// never none.
[[nodiscard]] bool is_note_route(route r) noexcept;

struct route_rule {
  route what;
  role who;
  bool if_none;   // the route shows no footage
  bool if_own;    // the person's own footage
  bool if_other;  // anyone else's
};

[[nodiscard]] std::span<const route_rule> route_rules() noexcept;

// P1, P2: `roles` is the enrollment role bit set.
[[nodiscard]] bool is_allowed(route r, std::uint8_t roles, ownership o) noexcept;

}  // namespace bodycam::console::access
