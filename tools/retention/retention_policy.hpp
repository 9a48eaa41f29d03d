// The retention policy (DESIGN.md §6), pure: given the media a store holds, the holds in force and
// the time now, which files may expire. No I/O; `bodycam retention` reads the store, asks this, writes the
// signed expiry event and only then deletes.
// Invariants:
//  1. Nothing younger than the minimum retention (at least 6 months; a shorter policy is refused) expires;
//     a file's age is counted from the end of its session (its last record), so a session expires whole.
//  2. Nothing a hold covers expires, ever: a hold names a session, or a device and a claimed-UTC range
//     (from..to, to == 0 meaning "from then on").
//  3. Records are not media: the policy only ever lists files (segments, annotations), never records.
#pragma once

#include "common/core/error.hpp"
#include "common/crypto/sha256.hpp"
#include "common/record/payloads.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace bodycam::tools::retention {

namespace record = common::record;

inline constexpr std::chrono::days minimum_retention{183};  // six months

struct media_item {
  record::device_id device;
  record::session_id session;
  std::uint64_t seq = 0;  // the record that describes the file
  std::string file_name;
  common::crypto::sha256_digest sha256;
  std::uint64_t byte_length = 0;
  record::utc_time recorded_utc{};
};

struct hold {
  std::string entry;   // "retention/<clerk>.<seq>" that placed it
  std::string reason;  // evidence, complaint, major_incident, legal_hold
  record::device_id device;
  record::session_id session;  // non-zero: this session
  record::utc_time from{};     // else: this device in [from, to]
  record::utc_time to{};       // zero: indefinitely from `from`
};

// Whether `h` covers `item` by itself: the same device and the held session, or a claimed UTC in its range.
[[nodiscard]] bool hold_covers(const hold& h, const media_item& item) noexcept;

enum class outcome { expire, keep_young, keep_held };
[[nodiscard]] std::string_view to_string(outcome o) noexcept;  // "expire", "keep_young", "keep_held"

struct decision {
  media_item item;
  outcome result = outcome::keep_young;
  std::string why;  // "held: evidence (retention/clerk-1.0)", "kept until 2027-05-20T...Z"
};

// Refuses (invalid_argument) a retention shorter than minimum_retention.
[[nodiscard]] common::core::expected<std::vector<decision>> decide(const std::vector<media_item>& items,
                                                                   const std::vector<hold>& holds, record::utc_time now,
                                                                   std::chrono::days keep_for);

}  // namespace bodycam::tools::retention
