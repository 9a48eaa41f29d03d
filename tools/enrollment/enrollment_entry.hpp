// One entry of the enrollment register (DESIGN.md §8): "key K belongs to subject S, a camera / dock /
// witness / person with these roles in this unit, valid from F until U", or "entry N is revoked from time
// R, because ...". Entries are signed by the agency root or by an admin the register enrolled, and form one
// chain (seq, prev_hash) so a deleted entry is a gap. Byte layout: docs/formats/enrollment.md §3.
// Invariants:
//  1. canonical_bytes is the one encoding; parse_enrollment_entry(bytes) re-encodes to exactly those bytes.
//  2. Decoding untrusted bytes never reads out of bounds; errors name the field.
//  3. The signature covers "bodycam-enrollment-v1\0" || SHA-256(canonical bytes); the entry's hash (the next
//     entry's prev_hash) is SHA-256(canonical bytes).
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace bodycam::tools::enrollment {

namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;
namespace record = bodycam::common::record;

inline constexpr std::uint16_t enrollment_format_version = 1;
inline constexpr std::size_t max_enrollment_entry_bytes = 4096;
inline constexpr std::string_view enrollment_signature_domain{"bodycam-enrollment-v1\0", 22};

// Wire: u8.
enum class entry_action : std::uint8_t { enroll = 1, revoke = 2 };
enum class subject_kind : std::uint8_t { none = 0, camera = 1, dock = 2, witness = 3, person = 4 };
// Wire: a u8 bit set.
enum class role : std::uint8_t { officer = 1, clerk = 2, supervisor = 4, auditor = 8, admin = 16 };
inline constexpr std::uint8_t all_roles_mask = 31;

[[nodiscard]] std::string_view to_string(entry_action a) noexcept;  // "enroll", "revoke"
[[nodiscard]] std::string_view to_string(subject_kind k) noexcept;  // "camera", "dock", "witness", "person"
[[nodiscard]] std::string_view to_string(role r) noexcept;          // "officer", "clerk", ...
[[nodiscard]] std::optional<subject_kind> parse_subject_kind(std::string_view text) noexcept;
[[nodiscard]] std::optional<role> parse_role(std::string_view text) noexcept;
// "clerk,supervisor" for a mask; "" for none.
[[nodiscard]] std::string roles_text(std::uint8_t mask);

struct enrollment_entry {
  std::uint64_t seq = 0;
  crypto::sha256_digest prev_hash;  // zero for seq 0
  record::utc_time utc{};           // when it was signed
  crypto::public_key signer;        // the root's or an admin's key
  entry_action action = entry_action::enroll;
  // enroll: who and what may sign. revoke: kind none, subject and key of the revoked entry (for reading).
  subject_kind kind = subject_kind::none;
  std::string subject;  // camera or dock id, witness name, person id (1-64 of A-Z a-z 0-9 . _ -)
  crypto::public_key subject_key;
  std::uint8_t roles = 0;  // persons only
  std::string unit;
  record::utc_time valid_from{};
  record::utc_time valid_until{};  // zero: open-ended
  // revoke: which entry, from when (valid_from holds the revocation time), why.
  std::uint64_t revokes_seq = 0;
  std::string reason;

  [[nodiscard]] bool has_role(role r) const noexcept { return (roles & static_cast<std::uint8_t>(r)) != 0; }
};

struct signed_enrollment_entry {
  enrollment_entry body;
  crypto::sha256_digest hash;
  crypto::signature sig;
  core::byte_buffer bytes;  // canonical || signature, exactly as stored
};

[[nodiscard]] core::byte_buffer canonical_bytes(const enrollment_entry& e);
// Checks the fields (labels, roles only for persons, from < until), sets e.signer and signs.
[[nodiscard]] core::expected<signed_enrollment_entry> sign_enrollment_entry(enrollment_entry e, crypto::signer& signer);
[[nodiscard]] core::expected<signed_enrollment_entry> parse_enrollment_entry(core::byte_view bytes);
// True only if the entry's signature verifies under the key it names as its signer.
[[nodiscard]] bool verify_enrollment_signature(const signed_enrollment_entry& e) noexcept;

}  // namespace bodycam::tools::enrollment
