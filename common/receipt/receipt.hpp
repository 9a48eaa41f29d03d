// The receipt (docs/formats/receipt.md): the dock's signed statement that a contiguous range of one
// device's records, and every file those records describe, are durably stored in the store and were
// re-hashed there. Pure: encoding, signing through the signer port, parsing and signature checks; no I/O.
// A receipt document is canonical bytes || 64-byte Ed25519 signature over
// "bodycam-receipt-v1\0" || SHA-256(canonical bytes).
// Invariants:
//  1. canonical_bytes(parse(d).body) == the canonical part of d: one encoding per receipt.
//  2. parse never reads out of bounds and names the field that is wrong (errc::malformed), an unknown version
//     is errc::unsupported; a parsed receipt satisfies first_seq < end_seq and a valid issuer and device.
//  3. A signature is checked against the issuer_key the receipt names; whether that key is an agency dock is
//     the caller's trust decision (trusted_docks_dir on the camera, keys/<dock-id>.pub in the store).
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/record/ids.hpp"
#include "common/record/payloads.hpp"

#include <string>
#include <vector>

namespace bodycam::common::receipt {

inline constexpr std::uint16_t format_version = 1;
inline constexpr std::string_view signature_domain{"bodycam-receipt-v1\0", 19};
// A receipt lists at most this many objects (a dock issues one receipt per pulled batch; 1 MiB documents).
inline constexpr std::uint32_t max_objects = 1U << 15;

struct stored_object {
  crypto::sha256_digest sha256;
  std::uint64_t byte_length = 0;
  friend bool operator==(const stored_object&, const stored_object&) = default;
};

struct receipt {
  std::string issuer;                  // the dock's id (device-id charset, 1–64)
  crypto::public_key issuer_key;       // the dock's Ed25519 key
  record::device_id device;
  std::uint64_t first_seq = 0;         // records first_seq .. end_seq-1 are covered by this receipt
  std::uint64_t end_seq = 0;           // and, by the dock's rule, every seq < end_seq is stored
  crypto::sha256_digest head_hash;     // record hash (chain.md) of seq end_seq-1
  record::utc_time stored_utc{};       // dock UTC when the last of them was confirmed stored
  std::vector<stored_object> objects;  // files (segments, annotations) whose records are in the range
  friend bool operator==(const receipt&, const receipt&) = default;
};

struct signed_receipt {
  receipt body;
  crypto::signature sig;
  core::byte_buffer document;  // canonical || signature, exactly as stored and sent
};

[[nodiscard]] core::byte_buffer canonical_bytes(const receipt& r);
// The message the issuer signs: domain || SHA-256(canonical bytes).
[[nodiscard]] core::byte_buffer signing_message(core::byte_view canonical);
// Checks the fields (issuer label, range) and signs: document = canonical || sig.
[[nodiscard]] core::expected<signed_receipt> sign(receipt r, crypto::signer& signer);
// Parses a document. Does not check the signature: see verify_signature.
[[nodiscard]] core::expected<signed_receipt> parse(core::byte_view document);
// True only if the signature verifies under the issuer_key the receipt names.
[[nodiscard]] bool verify_signature(const signed_receipt& r) noexcept;
// "<device>.<first_seq>-<end_seq>": the receipt's name under receipts/ in the store.
[[nodiscard]] std::string store_name(const receipt& r);
// SHA-256 of the whole document: what the camera's `receipt` record cites (receipt_sha256).
[[nodiscard]] crypto::sha256_digest document_sha256(const signed_receipt& r) noexcept;
// The camera's `receipt` record payload for this receipt (covered_count = end_seq).
[[nodiscard]] record::receipt_payload to_record_payload(const signed_receipt& r);

}  // namespace bodycam::common::receipt
