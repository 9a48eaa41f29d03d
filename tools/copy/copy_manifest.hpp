// The signed manifest beside a viewing copy (docs/formats/viewing-copy.md): which originals of which session it
// was made from (store key and SHA-256 of each segment, as their records give them), where each begins in the
// copy, the copy's own SHA-256, what was left out as a gap, who made it and with which tool. Pure: JSON text
// in and out, no I/O.
// Guarantees:
//  M1. The signature covers every member but `signature` itself: Ed25519 over
//      "bodycam-viewing-copy-v1\0" || SHA-256(canonical bytes), the canonical bytes being the manifest without
//      `signature` as compact JSON with members sorted by name (the format's §3). A manifest whose members
//      were changed, added or removed after signing does not verify.
//  M2. parse_manifest accepts only format "bodycam-viewing-copy" version 1 with every member present and
//      well-formed (hex digests of 64 digits, a key of 64); anything else is errc::malformed naming the member.
#pragma once

#include "common/crypto/ed25519.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::tools::copy {

inline constexpr std::string_view manifest_format = "bodycam-viewing-copy";
inline constexpr std::string_view manifest_domain = "bodycam-viewing-copy-v1";

// One segment record of the session, with where it lies in the copy (or, left out, where its gap lies).
struct manifest_segment {
  std::uint64_t seq = 0;  // the segment record
  std::uint32_t index = 0;
  std::string file_name;
  common::crypto::sha256_digest sha256;  // as the record gives it; the store key is objects/sha256/<hex>
  std::uint64_t bytes = 0;
  std::chrono::microseconds start{0};
  std::chrono::microseconds duration{0};
  std::string left_out;  // empty: in the copy; else why not ("missing", "mismatch", "expired", ...)
};

struct viewing_manifest {
  std::string device;
  std::string session;       // 32 hex digits
  std::string made_utc;      // RFC 3339
  std::string made_by;       // the person whose access entry comes first
  std::string access_entry;  // "access/<person>.<seq>"
  std::string tool;          // "bodycam 0.1.0"
  std::string remuxer;       // "libavformat 59.27.100"
  std::string copy_file;     // the copy's file name (no folder)
  common::crypto::sha256_digest copy_sha256;
  std::uint64_t copy_bytes = 0;
  std::chrono::microseconds copy_duration{0};
  std::vector<manifest_segment> segments;  // every segment record of the session, in seq order
  common::crypto::public_key signer;
  common::crypto::signature signature;
};

// M1: the bytes whose SHA-256 is signed.
[[nodiscard]] std::string canonical_manifest(const viewing_manifest& m);
// Signs `m` (sets signer and signature) and returns the manifest file's text (indented JSON).
[[nodiscard]] common::core::expected<std::string> sign_manifest(viewing_manifest& m, common::crypto::signer& by);
// M2.
[[nodiscard]] common::core::expected<viewing_manifest> parse_manifest(std::string_view text);
// M1: true only if `m.signature` is `m.signer`'s signature of m.
[[nodiscard]] bool manifest_signature_ok(const viewing_manifest& m);
// "objects/sha256/<hex>".
[[nodiscard]] std::string store_key_of(const common::crypto::sha256_digest& d);

}  // namespace bodycam::tools::copy
