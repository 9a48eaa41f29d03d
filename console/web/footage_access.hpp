// What every footage route of the request handler does before it shows anything (H4, H5 in
// console_handler.hpp), in one place for the HTML pages and the JSON API: whose footage a session is, and
// the access entry that must be stored first.
#pragma once

#include "console/access/route_policy.hpp"
#include "console/web/console_handler.hpp"
#include "tools/audit/audit_report.hpp"
#include "tools/registers/register_book.hpp"

#include <string>

namespace bodycam::console::web {

// own when the person is one of the session's officers (the wearer or one who joined), else other: the rule
// the audit applies to an officer's access entries (tools/audit/enrollment_check.hpp N3).
[[nodiscard]] access::ownership owner_of(const tools::audit::session_audit& s, const signed_in& who);

// An access entry of `who` for the whole of `session` ("console view" when `reference` is empty).
[[nodiscard]] tools::registers::register_entry access_draft(const signed_in& who, std::string action,
                                                            std::string reference,
                                                            const common::record::device_id& device,
                                                            const tools::audit::session_audit& session,
                                                            common::record::utc_time now);

// Signs `draft` with the person's key and appends it to the access register.
[[nodiscard]] common::core::expected<tools::registers::signed_entry> append_access(
    common::store::store& s, const signed_in& who, tools::registers::register_entry draft);

}  // namespace bodycam::console::web
