// Every HTML page of the console, as pure functions of plain data: the login form, the home page per role,
// the session list with its filters, the export requests and approvals, the fleet, a session's page (its timeline from the audit library's analysis:
// segments, statements, interruptions and their reasons, receipts, time to storage), the playback page, the
// access register, the enrollment view and the error pages. The request handler fetches the data; these
// only render it.
// Guarantees:
//  G1. Every text that comes from the store, the register, the request or an account passes through
//      common::core::escape_html (the project's one escaper), in element text and in attribute values alike.
//  G2. No page has inline script, an event-handler attribute or a style attribute: the one stylesheet and the
//      one script are /static/console.css and /static/console.js, so the Content-Security-Policy holds.
//  G3. Every POST form carries the session's CSRF token in a hidden field named `csrf` (the login form, made
//      before there is a session, is the only exception).
#pragma once

#include "tools/audit/audit_report.hpp"
#include "tools/enrollment/authorization_table.hpp"
#include "tools/registers/register_book.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::console::web {

using common::record::utc_time;

struct page_user {
  std::string person;
  std::uint8_t roles = 0;
  std::string csrf;
};

struct session_row {
  std::string device;
  std::string session;  // 32 hex digits
  std::string officer;
  utc_time start{};
  std::optional<std::chrono::nanoseconds> duration;
  std::size_t segments = 0;
};

struct session_filter {
  std::string device;
  std::string from;  // as typed: "2026-01-10" or "2026-01-10T08:00"
  std::string to;
};

struct request_row {
  std::string name;  // "<clerk>.<seq>"
  std::string requester;
  std::string reference;
  std::string what;  // "cam-0001 session 0a1b2c3d" or "cam-0001 2026-01-10 08:00:00 UTC .. ..."
  utc_time requested{};
  std::string state;  // pending, approved, refused
  std::string decided_by;
  bool downloadable = false;
};

struct fleet_row {
  std::string device;
  std::string unit;
  std::string officer;
  std::string last_docking;     // "dock-1 at 2026-01-10 08:00:00 UTC" or "never"
  std::string backlog;          // "12 records, 3.1 MiB (dock-1)" or "not docked"
  std::string oldest_unstored;  // "5 h 02 min 00 s" or "unknown (not docked)"
  std::string deadline;         // "on time", "at risk", "OVERDUE ...", "enrolled, never docked"
  bool overdue = false;
};

struct dock_row {
  std::string url;
  bool reachable = false;
  std::string dock_id;
  std::string state;  // "answering" or "unreachable: <why>"
  std::string alarm;
  std::string pending;
};

[[nodiscard]] std::string format_time(utc_time t);                       // "2026-01-10 08:00:00 UTC"
[[nodiscard]] std::string format_duration(std::chrono::nanoseconds d);  // "1 h 02 min 05 s"
[[nodiscard]] std::string cell(const std::string& text);                 // "<td>text, escaped</td>"

[[nodiscard]] std::string render_login_page(const std::string& message);
[[nodiscard]] std::string render_home_page(const page_user& user);
[[nodiscard]] std::string render_session_list(const page_user& user, const session_filter& filter,
                                              const std::vector<session_row>& rows);
[[nodiscard]] std::string render_session_page(const page_user& user, const std::string& device,
                                              const tools::audit::session_audit& session,
                                              const std::vector<tools::audit::receipt_audit>& receipts,
                                              const std::string& access_entry, const std::string& notes_section = {});
[[nodiscard]] std::string render_playback_page(const page_user& user, const std::string& device,
                                               const tools::audit::session_audit& session,
                                               const std::string& access_entry);
[[nodiscard]] std::string render_access_register(const page_user& user, const tools::registers::register_book& book);
[[nodiscard]] std::string render_enrollment_view(const page_user& user,
                                                 const tools::enrollment::authorization_table& table);
[[nodiscard]] std::string render_exports_page(const page_user& user, const std::vector<request_row>& rows);
// `retention_html`: the retention requests' part (retention_pages.hpp), already escaped.
[[nodiscard]] std::string render_approvals_page(const page_user& user, const std::vector<request_row>& rows,
                                                const std::string& retention_html = {});
[[nodiscard]] std::string render_fleet_page(const page_user& user, const std::vector<fleet_row>& rows,
                                            const std::vector<dock_row>& docks);
[[nodiscard]] std::string render_text_page(const page_user& user, const std::string& title, const std::string& text);
// The shared layout around a page body that is already HTML (G1 is the caller's: search_pages.hpp).
[[nodiscard]] std::string render_page(const std::string& title, const page_user& user, const std::string& body_html);
[[nodiscard]] std::string render_error_page(unsigned status, const std::string& title, const std::string& detail);
// The shared frame of every page (header, who is logged in, the logout form), for pages rendered elsewhere.
[[nodiscard]] std::string render_layout(const std::string& title, const page_user* user, const std::string& body);

}  // namespace bodycam::console::web
