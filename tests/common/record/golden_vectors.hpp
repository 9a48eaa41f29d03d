// What the golden-vector tests of records share (docs/formats/chain.md §7): the golden chain's session id, the
// public key of its fixed device key, and a vector's bytes from its printed hex.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/hex.hpp"
#include "common/record/record.hpp"

#include <string>

namespace bodycam::tests::golden {

// Seed of the golden device key: 32 bytes of 0x01 (tests::fixed_key(1)).
inline constexpr const char* public_key = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";

inline common::record::session_id session() {
  common::record::session_id s;
  s.bytes.fill(0xab);
  return s;
}

// A signed record's bytes: its canonical encoding's hex followed by its signature's.
inline common::core::byte_buffer bytes(const char* canonical, const char* signature) {
  const std::string hex = std::string(canonical) + signature;
  return common::core::parse_hex(hex, hex.size() / 2, "golden").value();
}

}  // namespace bodycam::tests::golden
