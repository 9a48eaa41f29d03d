// Merkle tree hash over a list of leaves, exactly as RFC 6962 §2.1 defines it:
//   MTH({})        = SHA-256()
//   MTH({d0})      = SHA-256(0x00 || d0)
//   MTH(D[n])      = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  with k the largest power of two < n.
// In bodycam a leaf's data d_i is the 32-byte SHA-256 of fragment i (see docs/formats/chain.md).
#pragma once

#include "common/crypto/sha256.hpp"

#include <span>

namespace bodycam::common::crypto {

[[nodiscard]] sha256_digest merkle_root(std::span<const sha256_digest> leaves);

// Incremental form for writers that learn leaves one at a time (a segment's fragments): keeps O(log n) state.
class merkle_builder {
 public:
  void add_leaf(const sha256_digest& leaf_data);
  [[nodiscard]] std::size_t leaf_count() const noexcept { return count_; }
  [[nodiscard]] sha256_digest root() const;

 private:
  // stack_[i] is the root of a full subtree; sizes are strictly decreasing powers of two.
  struct subtree {
    sha256_digest hash;
    std::size_t size;
  };
  std::vector<subtree> stack_;
  std::size_t count_ = 0;
};

}  // namespace bodycam::common::crypto
