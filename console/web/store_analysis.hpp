// The store's sessions as the audit library sees them, for the console's pages: objects are checked for
// presence and length only; none is re-hashed on a page view (that is `bodycam audit`'s work).
#pragma once

#include "tools/audit/store_audit.hpp"

namespace bodycam::console::web {

[[nodiscard]] common::core::expected<tools::audit::audit_report> analyse_store(const common::store::store& s,
                                                                               common::record::utc_time now);

}  // namespace bodycam::console::web
