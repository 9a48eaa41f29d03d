#include "common/tlog/hash.hpp"

#include <bit>

namespace bodycam::common::tlog {

hash leaf_hash(core::byte_view data) noexcept {
  crypto::sha256_hasher h;
  const std::uint8_t prefix = 0x00;
  h.update(core::byte_view(&prefix, 1));
  h.update(data);
  return h.finish();
}

hash leaf_hash(std::string_view data) noexcept {
  return leaf_hash(core::byte_view(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

hash node_hash(const hash& left, const hash& right) noexcept {
  std::array<std::uint8_t, 1 + 2 * hash_size> buf{};
  buf[0] = 0x01;
  std::copy(left.bytes.begin(), left.bytes.end(), buf.begin() + 1);
  std::copy(right.bytes.begin(), right.bytes.end(), buf.begin() + 1 + hash_size);
  return crypto::sha256(core::byte_view(buf));
}

hash empty_tree_hash() noexcept { return crypto::sha256(core::byte_view{}); }

std::uint64_t split_point(std::uint64_t n) noexcept { return std::bit_floor(n - 1); }

hash tree_hash_of_leaf_hashes(std::span<const hash> leaf_hashes) noexcept {
  if (leaf_hashes.empty()) return empty_tree_hash();
  if (leaf_hashes.size() == 1) return leaf_hashes[0];
  const auto k = static_cast<std::size_t>(split_point(leaf_hashes.size()));
  return node_hash(tree_hash_of_leaf_hashes(leaf_hashes.first(k)), tree_hash_of_leaf_hashes(leaf_hashes.subspan(k)));
}

}  // namespace bodycam::common::tlog
