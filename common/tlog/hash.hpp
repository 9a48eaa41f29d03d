// RFC 6962 / RFC 9162 §2.1.1 hashing for the store log: domain-separated leaf and node hashes and the
// Merkle tree hash of a list of leaf hashes. Guarantees the exact byte layout of RFC 6962 (leaf prefix 0x00,
// node prefix 0x01, the empty tree hashes to SHA-256 of nothing), so any RFC 6962 verifier agrees with us.
// The leaf data here is any byte string; common/crypto's merkle_root (the chain's per-segment tree) is the
// special case of 32-byte leaf data and is not changed by this module.
#pragma once

#include "common/crypto/sha256.hpp"

#include <span>

namespace bodycam::common::tlog {

using hash = crypto::sha256_digest;
inline constexpr std::size_t hash_size = crypto::sha256_digest::size;

// SHA-256(0x00 || data)
[[nodiscard]] hash leaf_hash(core::byte_view data) noexcept;
[[nodiscard]] hash leaf_hash(std::string_view data) noexcept;
// SHA-256(0x01 || left || right)
[[nodiscard]] hash node_hash(const hash& left, const hash& right) noexcept;
// SHA-256() = e3b0c442...b855, the root of the tree with no leaves.
[[nodiscard]] hash empty_tree_hash() noexcept;
// MTH over already-hashed leaves, recursively as RFC 6962 writes it: the reference the stored-hash
// algorithms are tested against. O(n) hashes, O(log n) stack.
[[nodiscard]] hash tree_hash_of_leaf_hashes(std::span<const hash> leaf_hashes) noexcept;

// Largest power of two strictly less than n (n >= 2): the split point k of RFC 6962.
[[nodiscard]] std::uint64_t split_point(std::uint64_t n) noexcept;

}  // namespace bodycam::common::tlog
