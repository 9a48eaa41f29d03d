// The witness rule (C2SP tlog-witness): a log grows, the witness cosigns each consistent checkpoint, and every
// attack — a smaller tree, a fork at the same size, a forged proof, another origin or key, a stale old size —
// is refused with its verdict and leaves nothing to cosign.
#include "common/tlog/cosignature.hpp"
#include "common/tlog/tile_builder.hpp"
#include "common/tlog/witness.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace witness_test {

using namespace bodycam::common;
using namespace bodycam::common::tlog;

namespace {

const std::string origin = "store.agency.example/log";

// A log of `n` leaves named with `prefix` and its checkpoints, signed by `key`.
struct test_log {
  memory_hash_store hashes;
  crypto::software_signer key = crypto::software_signer(bodycam::tests::fixed_key(0x42));
  std::string prefix = "leaf ";

  void grow_to(std::uint64_t n) {
    while (hashes.tree_size() < n) REQUIRE(hashes.append_leaf(leaf_hash(prefix + std::to_string(hashes.tree_size()))));
  }
  std::string signed_checkpoint(std::uint64_t size, std::string_view name = origin) {
    const checkpoint c{std::string(name), size, tree_hash(size, hashes).value(), {}};
    return sign_note(format_checkpoint(c), name, key).value();
  }
  proof consistency(std::uint64_t old_size, std::uint64_t new_size) {
    if (old_size == 0) return {};
    return prove_consistency(new_size, old_size, hashes).value();
  }
};

witness_log log_config(test_log& l) {
  return {origin, make_note_verifier(origin, key_type::ed25519, l.key.public_key()).value()};
}

}  // namespace

TEST_CASE("a witness cosigns a growing log step by step, from a log it never saw") {
  test_log l;
  const auto config = log_config(l);
  witnessed_state state;
  auto witness = crypto::software_signer(bodycam::tests::fixed_key(0x77));
  std::size_t cosigned = 0;
  for (const std::uint64_t size : std::vector<std::uint64_t>{1, 2, 3, 8, 9, 100, 100, 257}) {
    l.grow_to(size);
    const auto d = decide_cosignature(config, state, l.signed_checkpoint(size), state.size, l.consistency(state.size, size));
    INFO(d.reason);
    REQUIRE(d.is_cosign());
    CHECK(d.accepted.size == size);
    const auto line = cosign_checkpoint(d.text, "witness.example", witness, std::chrono::sys_seconds{std::chrono::seconds(1)});
    REQUIRE(line);
    state = {d.accepted.size, d.accepted.root};
    ++cosigned;
  }
  CHECK(cosigned == 8);
  CHECK(state.size == 257);
}

TEST_CASE("witness refusals, named for the attack") {
  test_log l;
  l.grow_to(40);
  const auto config = log_config(l);
  const witnessed_state state{20, tree_hash(20, l.hashes).value()};

  SECTION("smaller_tree") {
    const auto d = decide_cosignature(config, state, l.signed_checkpoint(10), 20, {});
    CHECK(d.verdict == witness_verdict::smaller_tree);
  }
  SECTION("fork_at_the_same_size") {
    test_log other;
    other.prefix = "rewritten ";
    other.grow_to(20);
    const auto d = decide_cosignature(config, state, other.signed_checkpoint(20), 20, {});
    CHECK(d.verdict == witness_verdict::fork);
    CHECK(d.reason.find(state.root.to_hex()) != std::string::npos);
  }
  SECTION("rewritten_history_with_a_larger_tree") {
    test_log other;
    other.prefix = "rewritten ";
    other.grow_to(40);
    const auto d = decide_cosignature(config, state, other.signed_checkpoint(40), 20, other.consistency(20, 40));
    CHECK(d.verdict == witness_verdict::bad_proof);
  }
  SECTION("flip_one_bit_in_the_consistency_proof") {
    auto p = l.consistency(20, 40);
    p.back().bytes[0] ^= 1;
    CHECK(decide_cosignature(config, state, l.signed_checkpoint(40), 20, p).verdict == witness_verdict::bad_proof);
  }
  SECTION("empty_proof") {
    CHECK(decide_cosignature(config, state, l.signed_checkpoint(40), 20, {}).verdict == witness_verdict::bad_proof);
  }
  SECTION("stale_old_size") {
    CHECK(decide_cosignature(config, state, l.signed_checkpoint(40), 10, l.consistency(10, 40)).verdict ==
          witness_verdict::old_size_mismatch);
  }
  SECTION("wrong_origin") {
    // Signed under the configured key name but with another origin line in the body.
    const checkpoint c{"other.example/log", 40, tree_hash(40, l.hashes).value(), {}};
    const auto note = sign_note(format_checkpoint(c), origin, l.key).value();
    CHECK(decide_cosignature(config, state, note, 20, l.consistency(20, 40)).verdict == witness_verdict::wrong_origin);
  }
  SECTION("signed_by_another_key") {
    test_log impostor;
    impostor.key = crypto::software_signer(bodycam::tests::fixed_key(0x43));
    impostor.grow_to(40);
    CHECK(decide_cosignature(config, state, impostor.signed_checkpoint(40), 20, l.consistency(20, 40)).verdict ==
          witness_verdict::bad_log_signature);
  }
  SECTION("signature_does_not_verify") {
    auto note = l.signed_checkpoint(40);
    note[note.find('\n') + 1] = '5';  // the size line: 40 → 50, signature no longer matches
    CHECK(decide_cosignature(config, state, note, 20, l.consistency(20, 40)).verdict == witness_verdict::bad_log_signature);
  }
  SECTION("malformed_checkpoint_body") {
    const auto note = sign_note("store.agency.example/log\nforty\nAAAA\n", origin, l.key).value();
    CHECK(decide_cosignature(config, state, note, 20, {}).verdict == witness_verdict::malformed_checkpoint);
  }
  SECTION("the same checkpoint again is cosigned again") {
    const auto d = decide_cosignature(config, state, l.signed_checkpoint(20), 20, {});
    CHECK(d.is_cosign());
  }
}

}  // namespace witness_test
