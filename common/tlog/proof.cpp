#include "common/tlog/proof.hpp"

#include <string>

namespace bodycam::common::tlog {

namespace {

std::uint64_t largest_pow2_below(std::uint64_t n) noexcept {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

void inclusion_indexes(std::uint64_t lo, std::uint64_t hi, std::uint64_t n, std::vector<std::uint64_t>& need) {
  if (lo + 1 == hi) return;
  const std::uint64_t k = largest_pow2_below(hi - lo);
  if (n < lo + k) {
    inclusion_indexes(lo, lo + k, n, need);
    detail::append_subtree_indexes(lo + k, hi, need);
  } else {
    detail::append_subtree_indexes(lo, lo + k, need);
    inclusion_indexes(lo + k, hi, n, need);
  }
}

void inclusion_path(std::uint64_t lo, std::uint64_t hi, std::uint64_t n, std::span<const hash>& hashes, proof& out) {
  if (lo + 1 == hi) return;
  const std::uint64_t k = largest_pow2_below(hi - lo);
  hash sibling;
  if (n < lo + k) {
    inclusion_path(lo, lo + k, n, hashes, out);
    sibling = detail::fold_subtree_hashes(lo + k, hi, hashes);
  } else {
    sibling = detail::fold_subtree_hashes(lo, lo + k, hashes);
    inclusion_path(lo + k, hi, n, hashes, out);
  }
  out.push_back(sibling);
}

void consistency_indexes(std::uint64_t lo, std::uint64_t hi, std::uint64_t n, std::vector<std::uint64_t>& need) {
  if (n == hi) {
    if (lo != 0) detail::append_subtree_indexes(lo, hi, need);
    return;
  }
  const std::uint64_t k = largest_pow2_below(hi - lo);
  if (n <= lo + k) {
    consistency_indexes(lo, lo + k, n, need);
    detail::append_subtree_indexes(lo + k, hi, need);
  } else {
    detail::append_subtree_indexes(lo, lo + k, need);
    consistency_indexes(lo + k, hi, n, need);
  }
}

void consistency_path(std::uint64_t lo, std::uint64_t hi, std::uint64_t n, std::span<const hash>& hashes, proof& out) {
  if (n == hi) {
    if (lo != 0) out.push_back(detail::fold_subtree_hashes(lo, hi, hashes));
    return;
  }
  const std::uint64_t k = largest_pow2_below(hi - lo);
  hash sibling;
  if (n <= lo + k) {
    consistency_path(lo, lo + k, n, hashes, out);
    sibling = detail::fold_subtree_hashes(lo + k, hi, hashes);
  } else {
    sibling = detail::fold_subtree_hashes(lo, lo + k, hashes);
    consistency_path(lo + k, hi, n, hashes, out);
  }
  out.push_back(sibling);
}

core::expected<std::vector<hash>> read_all(hash_reader& stored, const std::vector<std::uint64_t>& indexes,
                                           const std::string& what) {
  auto hashes = stored.read_hashes(indexes);
  if (!hashes) return core::wrap(what, hashes.error());
  if (hashes->size() != indexes.size()) {
    return core::fail(core::errc::internal, what + ": hash reader returned the wrong number of hashes");
  }
  return hashes;
}

}  // namespace

core::expected<proof> prove_inclusion(std::uint64_t tree_size, std::uint64_t index, hash_reader& stored) {
  const std::string what = "prove inclusion of leaf " + std::to_string(index) + " in tree of size " +
                           std::to_string(tree_size);
  if (index >= tree_size) return core::fail(core::errc::invalid_argument, what + ": leaf outside the tree");
  std::vector<std::uint64_t> indexes;
  inclusion_indexes(0, tree_size, index, indexes);
  auto hashes = read_all(stored, indexes, what);
  if (!hashes) return std::unexpected(hashes.error());
  std::span<const hash> rest(*hashes);
  proof out;
  inclusion_path(0, tree_size, index, rest, out);
  return out;
}

core::expected<proof> prove_consistency(std::uint64_t new_size, std::uint64_t old_size, hash_reader& stored) {
  const std::string what = "prove consistency of tree size " + std::to_string(old_size) + " with tree size " +
                           std::to_string(new_size);
  if (old_size == 0 || old_size > new_size) {
    return core::fail(core::errc::invalid_argument, what + ": sizes must satisfy 0 < old <= new");
  }
  std::vector<std::uint64_t> indexes;
  consistency_indexes(0, new_size, old_size, indexes);
  auto hashes = read_all(stored, indexes, what);
  if (!hashes) return std::unexpected(hashes.error());
  std::span<const hash> rest(*hashes);
  proof out;
  consistency_path(0, new_size, old_size, rest, out);
  return out;
}

core::status verify_inclusion(const proof& path, std::uint64_t tree_size, const hash& root, std::uint64_t index,
                              const hash& leaf) {
  const std::string what = "verify inclusion of leaf " + std::to_string(index) + " in tree of size " +
                           std::to_string(tree_size);
  if (index >= tree_size) return core::fail(core::errc::invalid_argument, what + ": leaf outside the tree");
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  hash r = leaf;
  for (const hash& p : path) {
    if (sn == 0) return core::fail(core::errc::corrupt, what + ": proof has too many hashes");
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return core::fail(core::errc::corrupt, what + ": proof has too few hashes");
  if (r != root) return core::fail(core::errc::corrupt, what + ": proof leads to a different root");
  return {};
}

core::status verify_consistency(const proof& path, std::uint64_t old_size, const hash& old_root,
                                std::uint64_t new_size, const hash& new_root) {
  const std::string what = "verify consistency of tree size " + std::to_string(old_size) + " with tree size " +
                           std::to_string(new_size);
  if (old_size > new_size) return core::fail(core::errc::invalid_argument, what + ": the old tree is larger");
  if (old_size == 0) {
    if (!path.empty()) return core::fail(core::errc::corrupt, what + ": proof from the empty tree must be empty");
    return {};
  }
  if (old_size == new_size) {
    if (!path.empty()) return core::fail(core::errc::corrupt, what + ": proof between equal sizes must be empty");
    if (old_root != new_root) return core::fail(core::errc::corrupt, what + ": different roots at the same size");
    return {};
  }
  if (path.empty()) return core::fail(core::errc::corrupt, what + ": proof is empty");
  std::vector<hash> p;
  p.reserve(path.size() + 1);
  if ((old_size & (old_size - 1)) == 0) p.push_back(old_root);
  p.insert(p.end(), path.begin(), path.end());
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  hash fr = p[0];
  hash sr = p[0];
  for (std::size_t i = 1; i < p.size(); ++i) {
    const hash& c = p[i];
    if (sn == 0) return core::fail(core::errc::corrupt, what + ": proof has too many hashes");
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return core::fail(core::errc::corrupt, what + ": proof has too few hashes");
  if (fr != old_root) return core::fail(core::errc::corrupt, what + ": proof does not lead to the old root");
  if (sr != new_root) return core::fail(core::errc::corrupt, what + ": proof does not lead to the new root");
  return {};
}

}  // namespace bodycam::common::tlog
