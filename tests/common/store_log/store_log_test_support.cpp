#include "tests/common/store_log/store_log_test_support.hpp"

#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/hash.hpp"

#include <catch2/catch.hpp>

namespace bodycam::tests::store_log {

namespace core = common::core;
namespace crypto = common::crypto;
namespace tlog = common::tlog;
namespace slog = common::store_log;

crypto::secret_key key_from_fill(std::uint8_t fill) {
  const core::byte_buffer seed(32, fill);
  auto key = crypto::secret_key::from_seed(seed);
  REQUIRE(key);
  return std::move(*key);
}

tlog::note_verifier verifier_for(std::string_view name, std::uint8_t fill) {
  auto v = tlog::make_note_verifier(name, tlog::key_type::ed25519, key_from_fill(fill).public_key());
  REQUIRE(v);
  return *v;
}

core::byte_buffer named_leaf(const std::string& name) {
  auto leaf = slog::encode_leaf({"receipts/" + name, crypto::sha256(std::string_view(name))});
  REQUIRE(leaf);
  return *leaf;
}

log_check check_stored_log(const common::store::store_backend& backend, const std::vector<tlog::note_verifier>& keys) {
  log_check out;
  auto sizes = slog::list_checkpoint_sizes(backend);
  REQUIRE(sizes);
  if (sizes->empty()) return out;
  out.size = sizes->back();
  out.checkpoints = sizes->size();
  auto entries = slog::read_log_entries(backend, out.size);
  REQUIRE(entries);
  REQUIRE(entries->size() == out.size);
  std::vector<tlog::hash> leaf_hashes;
  for (const auto& e : *entries) {
    auto leaf = slog::parse_leaf(e);
    REQUIRE(leaf);
    out.keys.push_back(leaf->key);
    leaf_hashes.push_back(tlog::leaf_hash(e));
  }
  std::optional<tlog::checkpoint> previous;
  for (const auto size : *sizes) {
    auto stored = slog::read_checkpoint(backend, size);
    REQUIRE(stored);
    auto opened = tlog::open_note(stored->note, keys);
    INFO("checkpoint " << size << ": " << (opened ? std::string() : opened.error().context));
    REQUIRE(opened);
    for (const auto& s : opened->verified) out.checkpoint_signers.insert(s.name);
    const auto& c = stored->checkpoint;
    CHECK(c.root == tlog::tree_hash_of_leaf_hashes(std::span(leaf_hashes).first(size)));
    if (previous) {
      auto proof = slog::prove_log_consistency(backend, c, previous->size);
      REQUIRE(proof);
      CHECK(tlog::verify_consistency(*proof, previous->size, previous->root, c.size, c.root));
    }
    previous = c;
  }
  return out;
}

}  // namespace bodycam::tests::store_log
