#include "common/tlog/stored_hash.hpp"

#include <bit>
#include <string>

namespace bodycam::common::tlog {

namespace {
// Largest power of two strictly less than n (n >= 2) and its log2; for n == 1, (1, 0).
std::pair<std::uint64_t, int> max_pow2_below(std::uint64_t n) noexcept {
  int l = 0;
  while ((std::uint64_t{1} << (l + 1)) < n) ++l;
  return {std::uint64_t{1} << l, l};
}
}  // namespace

std::uint64_t stored_hash_index(int level, std::uint64_t n) noexcept {
  for (int l = level; l > 0; --l) n = 2 * n + 1;
  std::uint64_t i = 0;
  for (; n > 0; n >>= 1) i += n;
  return i + static_cast<std::uint64_t>(level);
}

stored_node split_stored_hash_index(std::uint64_t index) noexcept {
  std::uint64_t n = index / 2;
  std::uint64_t index_n = stored_hash_index(0, n);
  while (index_n > index) index_n = stored_hash_index(0, --n);
  for (;;) {
    const std::uint64_t x = index_n + 1 + static_cast<std::uint64_t>(std::countr_zero(n + 1));
    if (x > index) break;
    ++n;
    index_n = x;
  }
  const int level = static_cast<int>(index - index_n);
  return {level, n >> level};
}

std::uint64_t stored_hash_count(std::uint64_t tree_size) noexcept {
  if (tree_size == 0) return 0;
  std::uint64_t count = stored_hash_index(0, tree_size - 1) + 1;
  for (std::uint64_t i = tree_size - 1; (i & 1) != 0; i >>= 1) ++count;
  return count;
}

namespace detail {

void append_subtree_indexes(std::uint64_t lo, std::uint64_t hi, std::vector<std::uint64_t>& out) {
  while (lo < hi) {
    const auto [k, level] = max_pow2_below(hi - lo + 1);
    out.push_back(stored_hash_index(level, lo >> level));
    lo += k;
  }
}

hash fold_subtree_hashes(std::uint64_t lo, std::uint64_t hi, std::span<const hash>& hashes) {
  std::size_t count = 0;
  while (lo < hi) {
    lo += max_pow2_below(hi - lo + 1).first;
    ++count;
  }
  hash h = hashes[count - 1];
  for (std::size_t i = count - 1; i-- > 0;) h = node_hash(hashes[i], h);
  hashes = hashes.subspan(count);
  return h;
}

}  // namespace detail

core::expected<std::vector<hash>> stored_hashes_for_leaf(std::uint64_t n, const hash& leaf, hash_reader& stored) {
  const int m = std::countr_zero(n + 1);
  std::vector<std::uint64_t> indexes(static_cast<std::size_t>(m));
  for (int i = 0; i < m; ++i) {
    indexes[static_cast<std::size_t>(m - 1 - i)] = stored_hash_index(i, (n >> i) - 1);
  }
  auto old = stored.read_hashes(indexes);
  if (!old) return core::wrap("store hashes for leaf " + std::to_string(n), old.error());
  std::vector<hash> out{leaf};
  hash h = leaf;
  for (int i = 0; i < m; ++i) {
    h = node_hash((*old)[static_cast<std::size_t>(m - 1 - i)], h);
    out.push_back(h);
  }
  return out;
}

core::expected<hash> tree_hash(std::uint64_t tree_size, hash_reader& stored) {
  if (tree_size == 0) return empty_tree_hash();
  std::vector<std::uint64_t> indexes;
  detail::append_subtree_indexes(0, tree_size, indexes);
  auto hashes = stored.read_hashes(indexes);
  if (!hashes) return core::wrap("tree hash of size " + std::to_string(tree_size), hashes.error());
  if (hashes->size() != indexes.size()) {
    return core::fail(core::errc::internal, "tree hash of size " + std::to_string(tree_size) +
                                                ": hash reader returned the wrong number of hashes");
  }
  std::span<const hash> rest(*hashes);
  return detail::fold_subtree_hashes(0, tree_size, rest);
}

core::status memory_hash_store::append_leaf(const hash& leaf) {
  auto add = stored_hashes_for_leaf(size_, leaf, *this);
  if (!add) return std::unexpected(add.error());
  hashes_.insert(hashes_.end(), add->begin(), add->end());
  ++size_;
  return {};
}

core::expected<std::vector<hash>> memory_hash_store::read_hashes(std::span<const std::uint64_t> indexes) {
  std::vector<hash> out;
  out.reserve(indexes.size());
  for (const auto index : indexes) {
    if (index >= hashes_.size()) {
      return core::fail(core::errc::not_found, "read stored hash " + std::to_string(index) + ": the store holds " +
                                                   std::to_string(hashes_.size()));
    }
    out.push_back(hashes_[static_cast<std::size_t>(index)]);
  }
  return out;
}

}  // namespace bodycam::common::tlog
