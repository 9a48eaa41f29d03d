// A record of a device's chain (DESIGN.md §3) and its canonical, versioned binary encoding.
// A signed record on the wire and on disk is: canonical bytes || 64-byte Ed25519 signature, where the
// signature is over "bodycam-record-v1\0" || SHA-256(canonical bytes) and the record's hash (what the next
// record's prev_hash holds) is SHA-256(canonical bytes). docs/formats/chain.md gives every byte.
// Invariants:
//  1. encode_canonical(parse(...)) reproduces the canonical bytes exactly (one encoding per record).
//  2. Decoding untrusted bytes never reads out of bounds and returns an error naming the field.
//  3. A record of an unknown format version is reported as errc::unsupported, never guessed at.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"

namespace bodycam::common::record {

inline constexpr std::uint16_t format_version = 1;
inline constexpr std::size_t max_record_bytes = 1 << 20;
inline constexpr std::string_view record_magic = "BCRD";
inline constexpr std::string_view record_signature_domain{"bodycam-record-v1\0", 18};

struct utc_claim {
  utc_time time{};
  utc_source source = utc_source::unset;
  milliseconds sync_age{0};     // time since the last dock time sync (meaningful for dock_sync)
  milliseconds error_bound{0};  // the device's bound on |claimed - true UTC|
};

struct record {
  std::uint16_t version = format_version;
  device_id device;
  std::uint64_t seq = 0;
  crypto::sha256_digest prev_hash;  // all zero for seq 0
  std::uint32_t boot_counter = 0;
  nanoseconds monotonic{0};  // CLOCK_BOOTTIME of this boot when the record was made
  utc_claim utc;
  payload body;

  [[nodiscard]] record_kind kind() const noexcept { return kind_of(body); }
};

[[nodiscard]] core::byte_buffer encode_canonical(const record& r);
[[nodiscard]] core::expected<record> decode_canonical(core::byte_view canonical);

// The message a device signs for a record whose canonical bytes hash to `record_hash`.
[[nodiscard]] core::byte_buffer signing_message(const crypto::sha256_digest& record_hash);

struct signed_record {
  record body;
  crypto::sha256_digest hash;  // SHA-256 of the canonical bytes
  crypto::signature sig;
  core::byte_buffer bytes;  // canonical || signature, exactly as stored

  [[nodiscard]] core::byte_view canonical() const noexcept {
    return core::byte_view(bytes).first(bytes.size() - crypto::signature::size);
  }
};

// Encodes and signs. Fails only if the signer fails.
[[nodiscard]] core::expected<signed_record> sign_record(record r, crypto::signer& signer);
// Parses stored bytes (canonical || signature). Does not check the signature: see verify_record_signature.
[[nodiscard]] core::expected<signed_record> parse_signed_record(core::byte_view bytes);
[[nodiscard]] bool verify_record_signature(const signed_record& r, const crypto::public_key& key) noexcept;

}  // namespace bodycam::common::record
