// One entry of the metadata register (DESIGN.md §9): a note added after the fact to a session by an officer or
// a clerk — place, party, case number, category, free text. The entry names the session (device + session
// id) and the fields it sets; it is signed by its author and chained per author like the access register, and
// stored create-only at notes/<author>.<seq>. Nothing edits a note: the current value of a field is the last
// entry that set it, its history the sequence of entries (docs/formats/metadata-register.md).
// Invariants:
//  M1. canonical_bytes is the one encoding; parse_metadata_entry(bytes) re-encodes to exactly those bytes.
//  M2. Decoding untrusted bytes never reads out of bounds; errors name the field.
//  M3. The signature covers "bodycam-metadata-v1\0" || SHA-256(canonical bytes); the entry's hash (the next
//      entry's prev_hash) is SHA-256(canonical bytes).
//  M4. An entry sets 1..5 fields, each at most once, in increasing field order; every value passes
//      check_field_value (length, UTF-8, no control characters; LF allowed in text only). Sign and parse
//      both enforce it, so no stored entry that decodes breaks it.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::registers {

namespace record = common::record;
namespace crypto = common::crypto;
namespace core = common::core;

inline constexpr std::uint16_t metadata_format_version = 1;
inline constexpr std::size_t max_metadata_entry_bytes = 16384;
inline constexpr std::string_view metadata_signature_domain{"bodycam-metadata-v1\0", 20};

// Wire: u8.
enum class note_field : std::uint8_t { place = 1, party = 2, case_number = 3, category = 4, text = 5 };
inline constexpr std::array<note_field, 5> all_note_fields = {note_field::place, note_field::party,
                                                              note_field::case_number, note_field::category,
                                                              note_field::text};
// "place", "party", "case", "category", "text"
[[nodiscard]] std::string_view to_string(note_field f) noexcept;
[[nodiscard]] std::optional<note_field> parse_note_field(std::string_view name) noexcept;
// The longest value a field takes, in bytes: place 256, party 256, case 64, category 64, text 4000.
[[nodiscard]] std::size_t max_value_bytes(note_field f) noexcept;
// M4 for one value: empty string if it is acceptable, else why not (names the field).
[[nodiscard]] std::string check_field_value(note_field f, std::string_view value);

struct field_value {
  note_field field = note_field::text;
  std::string value;
  friend bool operator==(const field_value&, const field_value&) = default;
};

struct metadata_entry {
  std::string author;  // the person's id (1-64 of A-Z a-z 0-9 . _ -)
  crypto::public_key author_key;
  std::uint64_t seq = 0;            // 0, 1, 2, ... per author
  crypto::sha256_digest prev_hash;  // hash of this author's previous entry; zero for seq 0
  record::utc_time utc{};           // when, by the author's workstation clock
  record::device_id device;         // the session's camera
  record::session_id session;
  std::vector<field_value> fields;  // M4

  [[nodiscard]] const std::string* value_of(note_field f) const noexcept;
};

struct signed_metadata_entry {
  metadata_entry body;
  crypto::sha256_digest hash;
  crypto::signature sig;
  core::byte_buffer bytes;  // canonical || signature, exactly as stored
};

[[nodiscard]] core::byte_buffer canonical_bytes(const metadata_entry& e);
// Checks M4 and the ids, sets author_key from the signer, sorts the fields, signs.
[[nodiscard]] core::expected<signed_metadata_entry> sign_metadata_entry(metadata_entry e, crypto::signer& signer);
[[nodiscard]] core::expected<signed_metadata_entry> parse_metadata_entry(core::byte_view bytes);
[[nodiscard]] bool verify_metadata_signature(const signed_metadata_entry& e, const crypto::public_key& key) noexcept;
// "<author>.<seq>": the entry's name in notes/.
[[nodiscard]] std::string entry_name(const metadata_entry& e);

}  // namespace bodycam::tools::registers
