// The store's sessions as the audit library sees them, for the console's pages: objects are checked for
// presence and length only; none is re-hashed on a page view (that is `bodycam audit`'s work). And the one
// answer to "is this session the person's own": they wore the camera (session_start names them) or joined it
// (an officer record), the rule tools/audit/enrollment_check.hpp N3 applies to officers' access entries.
#pragma once

#include "console/access/route_policy.hpp"
#include "tools/audit/store_audit.hpp"

namespace bodycam::console::web {

[[nodiscard]] common::core::expected<tools::audit::audit_report> analyse_store(const common::store::store& s,
                                                                               common::record::utc_time now);
[[nodiscard]] access::ownership session_ownership(const tools::audit::session_audit& s, const std::string& person);

}  // namespace bodycam::console::web
