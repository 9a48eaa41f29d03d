// The end of a device's chain as the next append sees it: the seq the next record must carry and the hash of
// the record before it. The one definition shared by the pure chain code (common/chain/append.hpp) and the
// ledger, which reads it inside its append transaction (common/ledger). Header only; needs nothing but SHA-256.
#pragma once

#include "common/crypto/sha256.hpp"

#include <cstdint>

namespace bodycam::common::chain {

struct chain_head {
  std::uint64_t next_seq = 0;         // seq the next record must carry; also the number of records
  crypto::sha256_digest last_hash{};  // hash of record next_seq - 1; all zero for an empty chain (seq 0's prev_hash)

  [[nodiscard]] bool is_empty() const noexcept { return next_seq == 0; }
  friend bool operator==(const chain_head&, const chain_head&) = default;
};

}  // namespace bodycam::common::chain
