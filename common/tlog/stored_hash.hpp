// The stored hash index of Go's tlog (golang.org/x/mod/sumdb/tlog): every complete subtree of the log, at
// every level, numbered in the order an append-only writer first knows it, and the `hash_reader` port that
// returns stored hashes by index from any storage (memory, tiles, files). Tree hashes and proofs are computed
// from a hash_reader, so they work over whatever holds the log.
// Numbering: the hash at `level` covering leaves [n·2^level, (n+1)·2^level) has index stored_hash_index(level, n).
// After appending leaf n (0-based) the writer has exactly stored_hash_count(n+1) hashes, indexes 0.. of them.
// Invariants:
//  1. stored_hash_index is a bijection between (level, n) and the naturals; split_stored_hash_index inverts it.
//  2. stored_hashes_for_leaf returns the hashes to append, in index order, after leaf n; nothing stored changes.
#pragma once

#include "common/tlog/hash.hpp"

#include <cstdint>
#include <vector>

namespace bodycam::common::tlog {

struct stored_node {
  int level = 0;
  std::uint64_t n = 0;
  friend bool operator==(const stored_node&, const stored_node&) = default;
};

[[nodiscard]] std::uint64_t stored_hash_index(int level, std::uint64_t n) noexcept;
[[nodiscard]] stored_node split_stored_hash_index(std::uint64_t index) noexcept;
// How many hashes a tree of `tree_size` leaves stores.
[[nodiscard]] std::uint64_t stored_hash_count(std::uint64_t tree_size) noexcept;

class hash_reader {
 public:
  virtual ~hash_reader() = default;
  // The stored hashes at `indexes`, in the same order; an error if any is missing.
  [[nodiscard]] virtual core::expected<std::vector<hash>> read_hashes(std::span<const std::uint64_t> indexes) = 0;
};

// The hashes to store after appending leaf `n` whose leaf hash is `leaf`: the leaf hash and each complete
// subtree it closes. Reads the left siblings from `stored`.
[[nodiscard]] core::expected<std::vector<hash>> stored_hashes_for_leaf(std::uint64_t n, const hash& leaf,
                                                                     hash_reader& stored);

// The RFC 6962 root of the first `tree_size` leaves (empty_tree_hash() for 0).
[[nodiscard]] core::expected<hash> tree_hash(std::uint64_t tree_size, hash_reader& stored);

// All stored hashes in memory, index order: the test and benchmark backend and the reference for tiles.
class memory_hash_store final : public hash_reader {
 public:
  [[nodiscard]] core::status append_leaf(const hash& leaf);
  [[nodiscard]] std::uint64_t tree_size() const noexcept { return size_; }
  [[nodiscard]] const std::vector<hash>& hashes() const noexcept { return hashes_; }
  [[nodiscard]] core::expected<std::vector<hash>> read_hashes(std::span<const std::uint64_t> indexes) override;

 private:
  std::vector<hash> hashes_;
  std::uint64_t size_ = 0;
};

namespace detail {
// Stored indexes of the complete subtrees that make up leaves [lo, hi), left to right (RFC 6962 split).
void append_subtree_indexes(std::uint64_t lo, std::uint64_t hi, std::vector<std::uint64_t>& out);
// Folds the hashes of those subtrees (consumed from the front of `hashes`) into the hash of [lo, hi).
[[nodiscard]] hash fold_subtree_hashes(std::uint64_t lo, std::uint64_t hi, std::span<const hash>& hashes);
}  // namespace detail

}  // namespace bodycam::common::tlog
