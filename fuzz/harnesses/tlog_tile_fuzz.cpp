// Fuzzes the store log's binary reads (common/tlog): tile paths listed in a store, tile data and entry bundles
// fetched from it, and inclusion and consistency proofs built from hashes an untrusted store supplied.
// Input: one selector byte, then the path, tile or bundle bytes; for proofs, 8-byte sizes and indexes
// followed by 32-byte hashes.
// Invariants checked: tile_path(parse_tile_path(p)) == p; a decoded entry bundle has exactly the expected
// count and re-encodes to the input; a proof made of arbitrary hashes never verifies against a root that is
// not derived from them (the root is taken from the input, so only a proof that really folds to it passes,
// and then the verifier must agree when asked again).
#include "common/tlog/entry_bundle.hpp"
#include "common/tlog/proof.hpp"
#include "common/tlog/tile.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstring>

namespace tlog = bodycam::common::tlog;
namespace core = bodycam::common::core;
using bodycam::fuzz::require;

namespace {

[[nodiscard]] std::uint64_t take_u64(core::byte_view& in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8 && !in.empty(); ++i) {
    v = (v << 8) | in[0];
    in = in.subspan(1);
  }
  return v;
}

[[nodiscard]] tlog::hash take_hash(core::byte_view& in) {
  tlog::hash h;
  const std::size_t n = std::min(in.size(), h.bytes.size());
  if (n > 0) std::memcpy(h.bytes.data(), in.data(), n);
  in = in.subspan(n);
  return h;
}

void check_proofs(core::byte_view in) {
  const auto tree_size = take_u64(in) % 100000;
  const auto index = take_u64(in) % (tree_size + 2);
  const auto old_size = take_u64(in) % (tree_size + 2);
  const auto root = take_hash(in);
  const auto leaf = take_hash(in);
  const auto old_root = take_hash(in);
  tlog::proof path;
  while (!in.empty() && path.size() < 70) path.push_back(take_hash(in));
  const bool included = tlog::verify_inclusion(path, tree_size, root, index, leaf).has_value();
  require(included == tlog::verify_inclusion(path, tree_size, root, index, leaf).has_value(), "tlog_tile",
          "inclusion verification is deterministic");
  if (included) require(index < tree_size, "tlog_tile", "an included index is inside the tree");
  const bool consistent = tlog::verify_consistency(path, old_size, old_root, tree_size, root).has_value();
  if (consistent) require(old_size <= tree_size, "tlog_tile", "a consistent old tree is not larger");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (input.empty()) return 0;
  const auto rest = input.subspan(1);
  switch (input[0] % 4) {
    case 0: {
      const auto path = bodycam::fuzz::as_text(rest.data(), rest.size());
      if (auto t = tlog::parse_tile_path(path)) require(tlog::tile_path(*t) == path, "tlog_tile", "tile_path(parse(p)) == p");
      break;
    }
    case 1: {
      const std::size_t count = rest.empty() ? 1 : std::size_t{rest[0]} + 1;
      const auto bundle = rest.empty() ? rest : rest.subspan(1);
      if (auto entries = tlog::decode_entry_bundle(bundle, count)) {
        require(entries->size() == count, "tlog_tile", "a decoded bundle has the expected count");
        auto encoded = tlog::encode_entry_bundle(*entries);
        require(encoded.has_value() && bodycam::fuzz::same_bytes(*encoded, bundle), "tlog_tile",
                "decode then encode == input");
      }
      break;
    }
    case 2: {
      if (rest.size() < 9) break;
      auto head = rest;
      const auto index = take_u64(head) % 1024;
      const auto t = tlog::tile_for_stored_index(index);
      // A tile of exactly the width the index needs when the input has the bytes, else whatever it has.
      const std::size_t want = std::size_t{t.where.width} * 32;
      const auto tile_data = head.size() >= want ? head.first(want) : head;
      auto h = tlog::hash_from_tile(t.where, tile_data, index);
      if (tile_data.size() == want) require(h.has_value(), "tlog_tile", "a tile of the right width yields its hash");
      const auto whole = head.first(head.size() / 32 * 32);  // tile_root's precondition: whole hashes, at least one
      if (!whole.empty()) (void)tlog::tile_root(whole);
      break;
    }
    default: check_proofs(rest); break;
  }
  return 0;
}
