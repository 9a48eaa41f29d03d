// RFC 6962 hashing, Go's stored hash index, and inclusion/consistency proofs: the Certificate Transparency
// test vectors, every size up to 64 against a naive recursive implementation, and tampered proofs refused.
#include "common/tlog/proof.hpp"

#include <catch2/catch.hpp>

#include <random>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace proof_test {

using namespace bodycam::common;
using namespace bodycam::common::tlog;

namespace {

// The eight leaves of Certificate Transparency's merkle_tree_test.cc (RFC 6962 test tree).
std::vector<core::byte_buffer> ct_leaves() {
  return {{},
          {0x00},
          {0x10},
          {0x20, 0x21},
          {0x30, 0x31},
          {0x40, 0x41, 0x42, 0x43},
          {0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57},
          {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f}};
}

hash h(std::string_view hex) { return hash::parse(hex).value(); }

std::vector<hash> leaf_hashes(std::size_t n) {
  std::vector<hash> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(leaf_hash("leaf " + std::to_string(i)));
  return out;
}

memory_hash_store store_of(const std::vector<hash>& leaves) {
  memory_hash_store s;
  for (const auto& l : leaves) REQUIRE(s.append_leaf(l));
  return s;
}

// RFC 6962 §2.1.1 PATH(m, D[n]), written as the RFC writes it.
proof naive_path(std::size_t m, std::span<const hash> d) {
  if (d.size() <= 1) return {};
  const auto k = static_cast<std::size_t>(split_point(d.size()));
  proof p;
  if (m < k) {
    p = naive_path(m, d.first(k));
    p.push_back(tree_hash_of_leaf_hashes(d.subspan(k)));
  } else {
    p = naive_path(m - k, d.subspan(k));
    p.push_back(tree_hash_of_leaf_hashes(d.first(k)));
  }
  return p;
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[n], b).
proof naive_subproof(std::size_t m, std::span<const hash> d, bool b) {
  if (m == d.size()) return b ? proof{} : proof{tree_hash_of_leaf_hashes(d)};
  const auto k = static_cast<std::size_t>(split_point(d.size()));
  proof p;
  if (m <= k) {
    p = naive_subproof(m, d.first(k), b);
    p.push_back(tree_hash_of_leaf_hashes(d.subspan(k)));
  } else {
    p = naive_subproof(m - k, d.subspan(k), false);
    p.push_back(tree_hash_of_leaf_hashes(d.first(k)));
  }
  return p;
}

}  // namespace

TEST_CASE("the empty tree hashes to SHA-256 of nothing") {
  CHECK(empty_tree_hash().to_hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  memory_hash_store empty;
  CHECK(tree_hash(0, empty).value() == empty_tree_hash());
}

TEST_CASE("roots of the RFC 6962 test tree match Certificate Transparency's vectors for every size 1..8") {
  const char* roots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  memory_hash_store store;
  std::vector<hash> leaves;
  for (const auto& d : ct_leaves()) {
    leaves.push_back(leaf_hash(d));
    REQUIRE(store.append_leaf(leaves.back()));
    const auto n = leaves.size();
    INFO("size " << n);
    CHECK(tree_hash_of_leaf_hashes(leaves).to_hex() == roots[n - 1]);
    CHECK(tree_hash(n, store).value().to_hex() == roots[n - 1]);
  }
  CHECK(store.hashes().size() == stored_hash_count(8));
  CHECK(stored_hash_count(8) == 15);
}

TEST_CASE("Certificate Transparency's inclusion and consistency vectors for the 8-leaf tree") {
  std::vector<hash> leaves;
  for (const auto& d : ct_leaves()) leaves.push_back(leaf_hash(d));
  auto store = store_of(leaves);
  const auto root8 = tree_hash(8, store).value();

  const proof incl_0_of_8{h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                          h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                          h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")};
  CHECK(prove_inclusion(8, 0, store).value() == incl_0_of_8);
  CHECK(verify_inclusion(incl_0_of_8, 8, root8, 0, leaves[0]));

  const proof cons_6_8{h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                       h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                       h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")};
  CHECK(prove_consistency(8, 6, store).value() == cons_6_8);
  CHECK(verify_consistency(cons_6_8, 6, tree_hash(6, store).value(), 8, root8));

  const proof cons_2_5{h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                       h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")};
  CHECK(prove_consistency(5, 2, store).value() == cons_2_5);
  CHECK(verify_consistency(cons_2_5, 2, tree_hash(2, store).value(), 5, tree_hash(5, store).value()));
}

TEST_CASE("stored hash indexes round-trip and match Go's numbering") {
  // Go's tlog: leaves 0,1 are at 0,1; their parent at 2; leaf 2 at 3; leaf 3 at 4, parent 5, grandparent 6.
  CHECK(stored_hash_index(0, 0) == 0);
  CHECK(stored_hash_index(0, 1) == 1);
  CHECK(stored_hash_index(1, 0) == 2);
  CHECK(stored_hash_index(0, 2) == 3);
  CHECK(stored_hash_index(2, 0) == 6);
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const auto [level, n] = split_stored_hash_index(i);
    REQUIRE(stored_hash_index(level, n) == i);
  }
}

TEST_CASE("inclusion and consistency proofs for every size up to 64 equal RFC 6962's PATH and PROOF") {
  const auto leaves = leaf_hashes(64);
  auto store = store_of(leaves);
  std::size_t checked = 0;
  for (std::size_t n = 1; n <= 64; ++n) {
    const std::span<const hash> d(leaves.data(), n);
    const auto root = tree_hash_of_leaf_hashes(d);
    REQUIRE(tree_hash(n, store).value() == root);
    for (std::size_t m = 0; m < n; ++m) {
      const auto p = prove_inclusion(n, m, store).value();
      REQUIRE(p == naive_path(m, d));
      REQUIRE(verify_inclusion(p, n, root, m, leaves[m]));
      ++checked;
    }
    for (std::size_t m = 1; m <= n; ++m) {
      const auto p = prove_consistency(n, m, store).value();
      REQUIRE(p == naive_subproof(m, d, true));
      REQUIRE(verify_consistency(p, m, tree_hash_of_leaf_hashes(d.first(m)), n, root));
      ++checked;
    }
  }
  CHECK(checked == 2 * (64 * 65 / 2));
}

TEST_CASE("flip_one_bit_in_a_proof: every tampered inclusion and consistency proof up to size 24 is refused") {
  const auto leaves = leaf_hashes(24);
  auto store = store_of(leaves);
  std::size_t refused = 0;
  for (std::size_t n = 1; n <= 24; ++n) {
    const auto root = tree_hash(n, store).value();
    for (std::size_t m = 0; m < n; ++m) {
      const auto p = prove_inclusion(n, m, store).value();
      for (std::size_t i = 0; i < p.size(); ++i) {
        auto bad = p;
        bad[i].bytes[i % 32] ^= 0x01;
        REQUIRE_FALSE(verify_inclusion(bad, n, root, m, leaves[m]));
        ++refused;
      }
      CHECK_FALSE(verify_inclusion(p, n, root, m, leaf_hash("another leaf")));
      if (n > 1) CHECK_FALSE(verify_inclusion(p, n, root, (m + 1) % n, leaves[m]));
      auto longer = p;
      longer.push_back(root);
      CHECK_FALSE(verify_inclusion(longer, n, root, m, leaves[m]));
      if (!p.empty()) {
        auto shorter = p;
        shorter.pop_back();
        CHECK_FALSE(verify_inclusion(shorter, n, root, m, leaves[m]));
      }
    }
    for (std::size_t m = 1; m < n; ++m) {
      const auto old_root = tree_hash(m, store).value();
      const auto p = prove_consistency(n, m, store).value();
      for (std::size_t i = 0; i < p.size(); ++i) {
        auto bad = p;
        bad[i].bytes[31 - i % 32] ^= 0x80;
        REQUIRE_FALSE(verify_consistency(bad, m, old_root, n, root));
        ++refused;
      }
      CHECK_FALSE(verify_consistency(p, m, root, n, root));
      CHECK_FALSE(verify_consistency(p, m, old_root, n, old_root));
      CHECK_FALSE(verify_consistency({}, m, old_root, n, root));
      auto longer = p;
      longer.push_back(root);
      CHECK_FALSE(verify_consistency(longer, m, old_root, n, root));
    }
  }
  CHECK(refused > 500);
}

TEST_CASE("consistency edge cases: equal sizes need equal roots and an empty proof, a smaller new tree is refused") {
  const auto leaves = leaf_hashes(5);
  auto store = store_of(leaves);
  const auto r5 = tree_hash(5, store).value();
  const auto r4 = tree_hash(4, store).value();
  CHECK(verify_consistency({}, 5, r5, 5, r5));
  CHECK_FALSE(verify_consistency({}, 5, r5, 5, r4));
  CHECK_FALSE(verify_consistency({r4}, 5, r5, 5, r5));
  CHECK(verify_consistency({}, 0, empty_tree_hash(), 5, r5));
  const auto shrink = verify_consistency({}, 5, r5, 4, r4);
  REQUIRE_FALSE(shrink);
  CHECK(shrink.error().code == core::errc::invalid_argument);
  CHECK_FALSE(prove_inclusion(5, 5, store));
  CHECK_FALSE(prove_consistency(4, 5, store));
  CHECK_FALSE(prove_consistency(5, 0, store));
}

TEST_CASE("random tree sizes up to 5000: proofs verify and the stored count is Go's") {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::printf("tlog proof_test random seed %u\n", seed);
  std::mt19937_64 rng(seed);
  const auto leaves = leaf_hashes(5000);
  auto store = store_of(leaves);
  CHECK(store.hashes().size() == stored_hash_count(5000));
  for (int round = 0; round < 200; ++round) {
    const std::uint64_t n = 1 + rng() % 5000;
    const std::uint64_t m = rng() % n;
    const auto root = tree_hash(n, store).value();
    REQUIRE(root == tree_hash_of_leaf_hashes(std::span<const hash>(leaves.data(), n)));
    REQUIRE(verify_inclusion(prove_inclusion(n, m, store).value(), n, root, m, leaves[m]));
    const std::uint64_t old = 1 + m;
    REQUIRE(verify_consistency(prove_consistency(n, old, store).value(), old, tree_hash(old, store).value(), n, root));
  }
}

}  // namespace proof_test
