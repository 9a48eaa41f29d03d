#include "common/crypto/merkle.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace merkle_test {

using namespace bodycam::common::crypto;

namespace {
sha256_digest leaf_data(int i) { return sha256(std::string_view(std::string("fragment-") + std::to_string(i))); }

sha256_digest concat_hash(std::uint8_t prefix, const sha256_digest& a, const sha256_digest* b) {
  sha256_hasher h;
  h.update(bodycam::common::core::byte_view(&prefix, 1));
  h.update(a.view());
  if (b) h.update(b->view());
  return h.finish();
}
}  // namespace

TEST_CASE("sha256 matches the FIPS 180-2 'abc' vector") {
  CHECK(sha256(std::string_view("abc")).to_hex() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("merkle_root follows RFC 6962 for small trees, written out by hand") {
  const sha256_digest d0 = leaf_data(0), d1 = leaf_data(1), d2 = leaf_data(2);
  CHECK(merkle_root({}) == sha256(std::string_view("")));
  const auto l0 = concat_hash(0x00, d0, nullptr), l1 = concat_hash(0x00, d1, nullptr),
             l2 = concat_hash(0x00, d2, nullptr);
  CHECK(merkle_root(std::vector{d0}) == l0);
  CHECK(merkle_root(std::vector{d0, d1}) == concat_hash(0x01, l0, &l1));
  const auto left = concat_hash(0x01, l0, &l1);
  CHECK(merkle_root(std::vector{d0, d1, d2}) == concat_hash(0x01, left, &l2));
}

TEST_CASE("merkle_builder gives the same root as merkle_root for every size up to 70") {
  std::vector<sha256_digest> leaves;
  merkle_builder builder;
  CHECK(builder.root() == merkle_root(leaves));
  for (int n = 1; n <= 70; ++n) {
    leaves.push_back(leaf_data(n));
    builder.add_leaf(leaves.back());
    REQUIRE(builder.root() == merkle_root(leaves));
  }
}

TEST_CASE("merkle_root changes when a leaf changes or two leaves swap") {
  std::vector<sha256_digest> leaves{leaf_data(0), leaf_data(1), leaf_data(2), leaf_data(3), leaf_data(4)};
  const auto root = merkle_root(leaves);
  auto swapped = leaves;
  std::swap(swapped[1], swapped[3]);
  CHECK(merkle_root(swapped) != root);
  auto flipped = leaves;
  flipped[4].bytes[0] ^= 1;
  CHECK(merkle_root(flipped) != root);
}

}  // namespace merkle_test
