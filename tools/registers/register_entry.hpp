// One entry of a clerks' register (DESIGN.md §6): the access register (`access/`: every retrieval or copy,
// written before the bytes leave the store) and the retention register (`retention/`: holds and expiry
// events). An entry says who (the clerk's id and Ed25519 key), which department, why (a case or request
// number), what (scopes: device, session, time and record ranges; objects by SHA-256) and when, and is
// signed by the clerk and chained per clerk like a device's records (docs/formats/access-register.md).
// Invariants:
//  1. canonical_bytes is the one encoding; parse_signed_entry(bytes) re-encodes to exactly those bytes.
//  2. Decoding untrusted bytes never reads out of bounds; errors name the field.
//  3. The signature covers "bodycam-register-v1\0" || SHA-256(canonical bytes); the entry's hash (the next
//     entry's prev_hash) is SHA-256(canonical bytes).
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::registers {

namespace record = common::record;
namespace crypto = common::crypto;
namespace core = common::core;

inline constexpr std::uint16_t entry_format_version = 1;
inline constexpr std::size_t max_entry_bytes = std::size_t{1} << 20;
inline constexpr std::string_view entry_signature_domain{"bodycam-register-v1\0", 20};

// Wire: u8. access lives in access/, hold and expiry in retention/.
enum class entry_kind : std::uint8_t { access = 1, hold = 2, expiry = 3 };
[[nodiscard]] std::string_view to_string(entry_kind k) noexcept;  // "access", "hold", "expiry"

// What an entry is about. Unused parts are zero: a zero session means "not one session", a zero time range
// means "any time", first_seq == end_seq == 0 means "any record".
struct scope {
  record::device_id device;
  record::session_id session;
  record::utc_time from{};
  record::utc_time to{};
  std::uint64_t first_seq = 0;
  std::uint64_t end_seq = 0;  // records first_seq .. end_seq-1

  [[nodiscard]] bool has_time_range() const noexcept { return from != record::utc_time{} || to != record::utc_time{}; }
  [[nodiscard]] bool has_seq_range() const noexcept { return first_seq != 0 || end_seq != 0; }
  friend bool operator==(const scope&, const scope&) = default;
};

struct object_ref {
  crypto::sha256_digest sha256;
  std::uint64_t byte_length = 0;
  friend bool operator==(const object_ref&, const object_ref&) = default;
};

struct register_entry {
  entry_kind kind = entry_kind::access;
  std::string clerk;  // the clerk's id (device-id charset, 1-64)
  crypto::public_key clerk_key;
  std::uint64_t seq = 0;            // 0, 1, 2, ... per clerk and register
  crypto::sha256_digest prev_hash;  // hash of this clerk's previous entry; zero for seq 0
  record::utc_time utc{};           // when, by the clerk's workstation clock
  std::string department;
  std::string reference;  // why: case or request number
  std::string action;     // access: export | playback_copy; hold: evidence | complaint |
                          // major_incident | legal_hold; expiry: the policy applied
  std::vector<scope> scopes;
  std::vector<object_ref> objects;  // access: files copied; expiry: files deleted
};

struct signed_entry {
  register_entry body;
  crypto::sha256_digest hash;
  crypto::signature sig;
  core::byte_buffer bytes;  // canonical || signature, exactly as stored
};

[[nodiscard]] core::byte_buffer canonical_bytes(const register_entry& e);
[[nodiscard]] core::expected<signed_entry> sign_entry(register_entry e, crypto::signer& signer);
[[nodiscard]] core::expected<signed_entry> parse_signed_entry(core::byte_view bytes);
[[nodiscard]] bool verify_entry_signature(const signed_entry& e, const crypto::public_key& key) noexcept;
// "<clerk>.<seq>": the entry's name in its namespace.
[[nodiscard]] std::string entry_name(const register_entry& e);
// Whether `name` has that form: a valid key label, a dot, decimal digits.
[[nodiscard]] bool is_entry_name(std::string_view name);
// The hold reasons an entry of kind hold may carry.
[[nodiscard]] bool is_hold_reason(std::string_view action) noexcept;

}  // namespace bodycam::tools::registers
