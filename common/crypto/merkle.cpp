#include "common/crypto/merkle.hpp"

namespace bodycam::common::crypto {

namespace {

sha256_digest leaf_hash(const sha256_digest& data) {
  sha256_hasher h;
  const std::uint8_t prefix = 0x00;
  h.update(core::byte_view(&prefix, 1));
  h.update(data.view());
  return h.finish();
}

sha256_digest node_hash(const sha256_digest& left, const sha256_digest& right) {
  sha256_hasher h;
  const std::uint8_t prefix = 0x01;
  h.update(core::byte_view(&prefix, 1));
  h.update(left.view());
  h.update(right.view());
  return h.finish();
}

sha256_digest tree_hash(std::span<const sha256_digest> leaves) {
  if (leaves.size() == 1) return leaf_hash(leaves[0]);
  std::size_t k = 1;
  while (k * 2 < leaves.size()) k *= 2;
  return node_hash(tree_hash(leaves.first(k)), tree_hash(leaves.subspan(k)));
}

}  // namespace

sha256_digest merkle_root(std::span<const sha256_digest> leaves) {
  if (leaves.empty()) return sha256(core::byte_view{});
  return tree_hash(leaves);
}

void merkle_builder::add_leaf(const sha256_digest& leaf_data) {
  subtree s{leaf_hash(leaf_data), 1};
  // Merge equal-sized subtrees: the left-to-right, power-of-two split of RFC 6962 falls out of this.
  while (!stack_.empty() && stack_.back().size == s.size) {
    s = subtree{node_hash(stack_.back().hash, s.hash), s.size * 2};
    stack_.pop_back();
  }
  stack_.push_back(s);
  ++count_;
}

sha256_digest merkle_builder::root() const {
  if (stack_.empty()) return sha256(core::byte_view{});
  // Fold from the smallest (rightmost) subtree leftwards: MTH = node(bigger_left, rest_right).
  sha256_digest acc = stack_.back().hash;
  for (std::size_t i = stack_.size() - 1; i-- > 0;) acc = node_hash(stack_[i].hash, acc);
  return acc;
}

}  // namespace bodycam::common::crypto
