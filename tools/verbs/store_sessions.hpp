// The sessions a store's records name, per device, for the verbs that accept a session id as a clerk types it:
// the full 32 hex digits or any unique start of them (reports show the first 8). Reads records through the
// store port only; resolving a prefix is tools/retention/hold_scope.hpp's resolve_session_prefix (pure).
#pragma once

#include "common/store/store.hpp"
#include "tools/retention/hold_scope.hpp"

#include <vector>

namespace bodycam::tools::verbs {

// Every (device, session) a session_start or segment record of the store names, once each.
[[nodiscard]] common::core::expected<std::vector<retention::known_session>> store_sessions(
    const common::store::store& s);

// `text` as a session id of `s`: 32 hex digits are taken as they are; fewer must start exactly one session.
[[nodiscard]] common::core::expected<common::record::session_id> session_of_store(const common::store::store& s,
                                                                                  std::string_view text);

}  // namespace bodycam::tools::verbs
