// `bodycam witness serve`'s service without a network: each answer of C2SP tlog-witness add-checkpoint for a real
// store log (200 with a cosignature that verifies, 409 with the witness's size, 409 for a fork, 422 for a bad
// proof, 403 for an unknown key, 404 for another log, 400 for malformed input), that a refusal leaves the state
// file as it was, that the state is saved before the answer, and that a second process on the state is refused.
#include "common/store/memory_backend.hpp"
#include "common/store/store.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/witness_protocol.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/witness/witness_service.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace witness_service_test {

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::temp_dir;
using tools::witness::witness_service;

namespace {

struct logged_store {
  explicit logged_store(std::uint8_t key_fill = 1, std::string origin = std::string(store_log::default_log_origin))
      : dock(bodycam::tests::fixed_key(key_fill)), log(s, {std::move(origin), "dock-1", &dock}) {}
  store::store s{std::make_unique<store::memory_backend>()};
  crypto::software_signer dock;
  store_log::log_appender log;
  void append(const std::string& prefix, int n) {
    std::vector<core::byte_buffer> leaves;
    for (int i = 0; i < n; ++i) {
      const std::string name = prefix + std::to_string(i);
      auto leaf = store_log::encode_leaf({"receipts/" + name, crypto::sha256(std::string_view(name))});
      REQUIRE(leaf);
      leaves.push_back(*leaf);
    }
    REQUIRE(log.append(leaves).ok());
  }
  // The add-checkpoint body for the newest checkpoint, proved from `old_size`.
  std::string request(std::uint64_t old_size) {
    auto newest = store_log::newest_checkpoint(s.backend());
    REQUIRE(newest);
    REQUIRE(*newest);
    auto proof = store_log::prove_log_consistency(s.backend(), (*newest)->checkpoint, old_size);
    REQUIRE(proof);
    return tlog::format_add_checkpoint({old_size, *proof, (*newest)->note});
  }
  std::string note() {
    auto newest = store_log::newest_checkpoint(s.backend());
    REQUIRE(newest);
    REQUIRE(*newest);
    return (*newest)->note;
  }
};

struct service_fixture {
  temp_dir dir{"witness-service"};
  crypto::software_signer key{bodycam::tests::fixed_key(7)};
  tools::witness::witness_service_config config() {
    tools::witness::witness_service_config c;
    c.origin = std::string(store_log::default_log_origin);
    auto v = tlog::make_note_verifier("dock-1", tlog::key_type::ed25519, bodycam::tests::fixed_key(1).public_key());
    REQUIRE(v);
    c.log_keys = {*v};
    c.name = "witness-1";
    c.signer = &key;
    c.state_file = dir / "witness.state";
    c.clock = [] { return std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000)); };
    return c;
  }
  witness_service open() {
    auto s = witness_service::open(config());
    REQUIRE(s);
    return std::move(*s);
  }
  std::uint64_t saved_size() {
    auto loaded = tools::witness::load_witness_state(dir / "witness.state");
    REQUIRE(loaded);
    return *loaded ? (*loaded)->last.size : 0;
  }
};

// The reply's line verifies as witness-1's cosignature of `note`.
void require_cosignature_of(const std::string& note, const tools::witness::witness_reply& reply) {
  REQUIRE(reply.status == 200);
  auto v = tlog::make_note_verifier("witness-1", tlog::key_type::cosignature_v1, bodycam::tests::fixed_key(7).public_key());
  REQUIRE(v);
  const tlog::note_verifier keys[] = {*v};
  auto opened = tlog::open_note(note + reply.body, keys);
  REQUIRE(opened);
  REQUIRE(opened->verified.size() == 1);
  CHECK(opened->verified[0].cosigned_at == std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000)));
}

}  // namespace

TEST_CASE("witness serve: a log's growth is cosigned and the state saved before the answer", "[witness_service]") {
  service_fixture f;
  logged_store a;
  a.append("r", 5);
  auto service = f.open();
  auto first = service.add_checkpoint(a.request(0));
  INFO(first.body);
  require_cosignature_of(a.note(), first);
  CHECK(f.saved_size() == 5);
  a.append("s", 3);
  auto second = service.add_checkpoint(a.request(5));
  INFO(second.body);
  require_cosignature_of(a.note(), second);
  CHECK(f.saved_size() == 8);
  CHECK(service.state().last.size == 8);
  // The same checkpoint again (a dock that did not get the answer) is cosigned again.
  require_cosignature_of(a.note(), service.add_checkpoint(a.request(8)));
}

TEST_CASE("witness serve: a stale old size is 409 with the witness's size, and nothing changes", "[witness_service]") {
  service_fixture f;
  logged_store a;
  a.append("r", 4);
  auto service = f.open();
  REQUIRE(service.add_checkpoint(a.request(0)).status == 200);
  a.append("s", 4);
  auto stale = service.add_checkpoint(a.request(2));
  CHECK(stale.status == 409);
  CHECK(stale.content_type == tlog::witness_size_content_type);
  CHECK(stale.body == "4\n");
  CHECK(f.saved_size() == 4);
}

TEST_CASE("witness_asked_to_roll_back over add-checkpoint: a smaller tree is refused 400", "[witness_service]") {
  service_fixture f;
  logged_store longer;
  longer.append("r", 9);
  logged_store shorter;
  shorter.append("r", 4);
  auto service = f.open();
  REQUIRE(service.add_checkpoint(longer.request(0)).status == 200);
  auto rolled = service.add_checkpoint(tlog::format_add_checkpoint({9, {}, shorter.note()}));
  CHECK(rolled.status == 400);
  CHECK_THAT(rolled.body, Catch::Contains("larger than the checkpoint's size 4"));
  auto from_old = service.add_checkpoint(shorter.request(0));
  CHECK(from_old.status == 409);
  CHECK(from_old.body == "9\n");
  CHECK(f.saved_size() == 9);
}

TEST_CASE("fork_shown_to_two_witnesses over add-checkpoint: same size, other root is 409, after a restart too",
          "[witness_service]") {
  service_fixture f;
  logged_store honest;
  honest.append("r", 6);
  logged_store forked;
  forked.append("x", 6);
  {
    auto service = f.open();
    REQUIRE(service.add_checkpoint(honest.request(0)).status == 200);
  }
  auto service = f.open();  // the lock was released with the first service; the state is read back
  auto fork = service.add_checkpoint(tlog::format_add_checkpoint({6, {}, forked.note()}));
  CHECK(fork.status == 409);
  CHECK(fork.content_type != tlog::witness_size_content_type);
  CHECK_THAT(fork.body, Catch::Contains("two roots at size 6"));
  CHECK(f.saved_size() == 6);
}

TEST_CASE("witness serve: a bad proof is 422, an unknown key 403, another log 404, garbage 400", "[witness_service]") {
  service_fixture f;
  logged_store a;
  a.append("r", 3);
  auto service = f.open();
  REQUIRE(service.add_checkpoint(a.request(0)).status == 200);
  a.append("s", 5);

  auto good = tlog::parse_add_checkpoint(a.request(3));
  REQUIRE(good);
  REQUIRE_FALSE(good->consistency.empty());
  auto forged = *good;
  forged.consistency[0].bytes[0] ^= 1;
  auto bad_proof = service.add_checkpoint(tlog::format_add_checkpoint(forged));
  CHECK(bad_proof.status == 422);
  auto short_proof = *good;
  short_proof.consistency.pop_back();
  CHECK(service.add_checkpoint(tlog::format_add_checkpoint(short_proof)).status == 422);

  logged_store stranger(9);
  stranger.append("r", 3);
  CHECK(service.add_checkpoint(stranger.request(0)).status == 403);

  logged_store other_log(1, "other.example/log");
  other_log.append("r", 8);
  CHECK(service.add_checkpoint(other_log.request(3)).status == 404);
  CHECK(service.add_checkpoint(other_log.request(0)).status == 404);  // origin first, before the old size
  {
    crypto::software_signer unknown(bodycam::tests::fixed_key(9));
    store::store other{std::make_unique<store::memory_backend>()};
    store_log::log_appender log(other, {"other.example/log", "dock-9", &unknown});
    REQUIRE(log.append(std::vector<core::byte_buffer>{store_log::encode_leaf({"receipts/x", crypto::sha256("x")}).value()}).ok());
    auto note = store_log::newest_checkpoint(other.backend()).value()->note;
    CHECK(service.add_checkpoint(tlog::format_add_checkpoint({0, {}, note})).status == 404);  // unknown log, any key
  }

  CHECK(service.add_checkpoint("").status == 400);
  CHECK(service.add_checkpoint("old 3\n\nnot a note\n").status == 400);
  CHECK(service.add_checkpoint("old x\n\n" + a.note()).status == 400);
  CHECK(f.saved_size() == 3);  // invariant 1: none of these changed the state
  require_cosignature_of(a.note(), service.add_checkpoint(a.request(3)));
  CHECK(f.saved_size() == 8);
}

TEST_CASE("witness serve: one process per state file", "[witness_service]") {
  service_fixture f;
  auto first = f.open();
  auto second = witness_service::open(f.config());
  REQUIRE_FALSE(second);
  CHECK(second.error().code == core::errc::conflict);
  CHECK_THAT(second.error().context, Catch::Contains("another witness process"));
}

}  // namespace witness_service_test
