// What the ledger knows about records: the chain head handed to the code that builds the next record, the
// record that code returns, and the record as stored. The ledger treats record bytes as opaque (the codec
// lives in common/record) except for one rule it checks itself: a signed record is its canonical bytes
// followed by a 64-byte Ed25519 signature, and its hash is SHA-256 of everything but those last 64 bytes.
#pragma once

#include "common/chain/chain_head.hpp"
#include "common/core/bytes.hpp"
#include "common/crypto/sha256.hpp"
#include "common/ledger/ledger_time.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>

namespace bodycam::common::ledger {

inline constexpr std::size_t record_signature_size = 64;

// The end of the chain as the next append sees it (one type for the ledger and the chain code).
using chain_head = chain::chain_head;

// A record built and signed by the caller, ready to append.
struct new_record {
  std::uint64_t seq = 0;
  std::uint16_t kind = 0;
  core::byte_buffer bytes;  // canonical bytes || 64-byte signature
};

struct stored_record {
  std::uint64_t seq = 0;
  std::uint16_t kind = 0;
  crypto::sha256_digest hash{};  // computed by the ledger at append, re-checked by the integrity checks
  core::byte_buffer bytes;
  ledger_time appended_at{};
};

// Called for each record in seq order; an error stops the walk and is returned. It must not write.
using record_visitor = std::function<core::status(const stored_record&)>;

// SHA-256 of a signed record's canonical bytes (all but the last 64). invalid_argument if the record is
// not longer than its signature.
[[nodiscard]] core::expected<crypto::sha256_digest> compute_record_hash(core::byte_view signed_record);

}  // namespace bodycam::common::ledger
