// The retention parts of the console's HTML, as pure functions of plain data: a session page's holds (with the
// form that places one and, per hold, the form that asks for its release), the expiry page (the dry run under
// the policy, the form that requests it, and the person's own retention requests with the button that carries
// an approved one out), the decision page of one retention request, and the retention rows of /approvals.
// Guarantees: G1-G3 of pages.hpp — every text through common::core::escape_html, no inline script or style,
// and every POST form with the session's CSRF token.
#pragma once

#include "console/web/pages.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bodycam::console::web {

struct hold_row {
  std::string name;  // "<clerk>.<seq>"
  std::string reason;
  std::string scope;  // "session 0a1b2c3d of cam-0001" or "cam-0001 from .. to .."
  std::string placed_by;
  utc_time placed{};
  std::string reference;
  bool release_requested = false;  // a release request of it is pending or approved
};

struct expiry_session_row {
  std::string device;
  std::string session;  // 32 hex digits
  utc_time last_file{};
  std::size_t files = 0;
  std::uint64_t bytes = 0;
};

struct expiry_view {
  int days = 0;
  std::vector<expiry_session_row> due;  // sessions that would expire, none under hold
  std::size_t due_files = 0;
  std::uint64_t due_bytes = 0;
  std::size_t held_sessions = 0;  // sessions past the period that a hold keeps
  std::size_t held_files = 0;
  std::size_t young_files = 0;
  std::string plan_token;  // "<files>:<bytes>", sent back with the request so it names what the page showed
};

struct retention_request_row {
  std::string name;  // "<clerk>.<seq>"
  std::string kind;  // "hold release" or "expiry"
  std::string requester;
  std::string reference;
  std::string what;  // "hold retention/x.0 (evidence) on ..." or "3 session(s), 12 file(s), 4096 bytes"
  utc_time requested{};
  std::string state;  // pending, approved, refused, carried out
  std::string decided_by;
  bool executable = false;  // approved, by this person, within the approval's lifetime, not yet carried out
};

[[nodiscard]] std::string render_holds_section(const page_user& user, const std::string& device,
                                               const std::string& session, const std::vector<hold_row>& holds,
                                               bool may_place, bool may_request_release);
[[nodiscard]] std::string render_expiry_page(const page_user& user, const expiry_view& plan,
                                             const std::vector<retention_request_row>& mine, bool may_request);
[[nodiscard]] std::string render_retention_request_page(const page_user& user, const retention_request_row& row,
                                                        const std::vector<expiry_session_row>& sessions);
// The retention requests' table of /approvals (each links to its decision page).
[[nodiscard]] std::string render_retention_approvals(const page_user& user,
                                                     const std::vector<retention_request_row>& rows);

}  // namespace bodycam::console::web
