// Checking a hold against the store before it is placed, pure (no I/O): `bodycam retention hold` reads the
// store's sessions, media and the holds in force, and asks this whether the new hold's scope is real.
// Guarantees (each refusal names the device, session or entry concerned):
//  1. The device has records in the store (not_found otherwise).
//  2. A session hold names a session the store holds for that device: a session of another device is refused
//     naming that device (invalid_argument), an unknown session is not_found. A hold never silently widens
//     to the whole device.
//  3. A closed time range that holds no file is refused (not_found); an open range (no `to`) may be placed
//     ahead of the footage it will cover.
//  4. A hold with the same scope as one already in force is refused (already_exists), naming that entry.
//  5. On success: how many files (and bytes) the hold covers now.
#pragma once

#include "tools/retention/retention_policy.hpp"

#include <vector>

namespace bodycam::tools::retention {

struct known_session {
  record::device_id device;
  record::session_id session;
};

struct hold_coverage {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
};

[[nodiscard]] common::core::expected<hold_coverage> check_hold_scope(const hold& wanted,
                                                                     const std::vector<record::device_id>& devices,
                                                                     const std::vector<known_session>& sessions,
                                                                     const std::vector<media_item>& items,
                                                                     const std::vector<hold>& in_force);

// The session whose hex id starts with `text` (any length of 1..32 hex digits, e.g. the 8 a report shows),
// among `sessions` of `device` (any device if `device` is empty). Refuses an unknown or ambiguous prefix.
[[nodiscard]] common::core::expected<record::session_id> resolve_session_prefix(
    std::string_view text, const std::vector<known_session>& sessions, const std::optional<record::device_id>& device);

}  // namespace bodycam::tools::retention
