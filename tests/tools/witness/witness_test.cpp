// `bodycam witness`'s core over real store logs: it cosigns an extension, refuses a rollback and a fork shown
// to it, refuses a checkpoint signed by an unknown key, and remembers across a restart (its state file).
#include "common/store/memory_backend.hpp"
#include "common/store/store.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/cosignature.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/witness/store_witness.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace witness_test {

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::temp_dir;
using tlog::witness_verdict;

namespace {

// A store whose log holds `batches`, each a list of receipt names, appended by dock-1 (key fill 1).
struct logged_store {
  store::store s{std::make_unique<store::memory_backend>()};
  crypto::software_signer dock{bodycam::tests::fixed_key(1)};
  store_log::log_appender log{s, {std::string(store_log::default_log_origin), "dock-1", &dock}};
  void append(const std::vector<std::string>& names) {
    std::vector<core::byte_buffer> leaves;
    for (const auto& n : names) {
      auto leaf = store_log::encode_leaf({"receipts/" + n, crypto::sha256(std::string_view(n))});
      REQUIRE(leaf);
      leaves.push_back(*leaf);
    }
    REQUIRE(log.append(leaves).ok());
  }
};

std::vector<std::string> names(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

struct witness_fixture {
  temp_dir dir{"witness"};
  crypto::software_signer key{bodycam::tests::fixed_key(7)};
  tools::witness::witness_request request() {
    tools::witness::witness_request r;
    r.origin = std::string(store_log::default_log_origin);
    auto v = tlog::make_note_verifier("dock-1", tlog::key_type::ed25519, bodycam::tests::fixed_key(1).public_key());
    REQUIRE(v);
    r.log_keys = {*v};
    r.name = "witness-1";
    r.signer = &key;
    r.state_file = dir / "witness.state";
    r.now = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));
    return r;
  }
  std::string state_text() {
    std::ifstream in(dir / "witness.state");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

}  // namespace

TEST_CASE("the witness cosigns an extension and stores a cosignature that verifies", "[witness]") {
  witness_fixture w;
  logged_store a;
  a.append(names("a", 5));
  auto first = tools::witness::cosign_store(a.s.backend(), w.request());
  REQUIRE(first);
  CHECK(first->verdict == witness_verdict::cosign);
  CHECK(first->size == 5);
  a.append(names("b", 300));
  auto second = tools::witness::cosign_store(a.s.backend(), w.request());
  REQUIRE(second);
  INFO(second->reason);
  CHECK(second->verdict == witness_verdict::cosign);
  CHECK(second->size == 305);
  CHECK(w.state_text().find("size 305\n") != std::string::npos);

  auto line = store_log::read_log_file(a.s.backend(), *store_log::cosignature_key(305, "witness-1"));
  REQUIRE(line);
  REQUIRE(line->has_value());
  auto checkpoint = store_log::read_checkpoint(a.s.backend(), 305);
  REQUIRE(checkpoint);
  auto cosigner = tlog::make_note_verifier("witness-1", tlog::key_type::cosignature_v1, bodycam::tests::fixed_key(7).public_key());
  REQUIRE(cosigner);
  const std::string cosigned_note = checkpoint->note + std::string((*line)->begin(), (*line)->end());
  auto opened = tlog::open_note(cosigned_note, std::vector{*cosigner});
  REQUIRE(opened);
  REQUIRE(opened->verified.size() == 1);
  CHECK(opened->verified[0].cosigned_at == w.request().now);
}

TEST_CASE("witness_asked_to_roll_back: a store whose log is shorter than what was cosigned is refused", "[witness]") {
  witness_fixture w;
  logged_store full;
  full.append(names("a", 5));
  full.append(names("b", 5));
  logged_store cut;  // the same log, its tail cut: as if restored from an old copy
  cut.append(names("a", 5));
  auto cosigned = tools::witness::cosign_store(full.s.backend(), w.request());
  REQUIRE(cosigned);
  REQUIRE(cosigned->verdict == witness_verdict::cosign);
  const auto state_before = w.state_text();
  auto refused = tools::witness::cosign_store(cut.s.backend(), w.request());
  REQUIRE(refused);
  CHECK(refused->verdict == witness_verdict::smaller_tree);
  CHECK(refused->reason.find("size 10") != std::string::npos);
  CHECK(w.state_text() == state_before);  // a refusal changes nothing
  auto none = store_log::read_log_file(cut.s.backend(), *store_log::cosignature_key(5, "witness-1"));
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
}

TEST_CASE("fork_shown_to_two_witnesses: another log at the same size, same key, is refused after a restart", "[witness]") {
  witness_fixture w;
  logged_store first;
  first.append(names("a", 7));
  {
    auto cosigned = tools::witness::cosign_store(first.s.backend(), w.request());
    REQUIRE(cosigned);
    REQUIRE(cosigned->verdict == witness_verdict::cosign);
  }
  // The witness process ends; a new one starts from its state file alone.
  logged_store other;
  other.append(names("x", 7));  // same size, different leaves, signed by the same dock key
  const auto state_before = w.state_text();
  auto refused = tools::witness::cosign_store(other.s.backend(), w.request());
  REQUIRE(refused);
  CHECK(refused->verdict == witness_verdict::fork);
  CHECK(w.state_text() == state_before);
  // And a fork that is longer is refused too: its proof from the cosigned root does not verify.
  other.append(names("y", 3));
  auto longer = tools::witness::cosign_store(other.s.backend(), w.request());
  REQUIRE(longer);
  CHECK(longer->verdict == witness_verdict::bad_proof);
  // The honest log's extension is still cosigned.
  first.append(names("b", 3));
  auto extended = tools::witness::cosign_store(first.s.backend(), w.request());
  REQUIRE(extended);
  CHECK(extended->verdict == witness_verdict::cosign);
}

TEST_CASE("a checkpoint signed by a key the witness was not given is refused", "[witness]") {
  witness_fixture w;
  logged_store a;
  a.append(names("a", 3));
  auto request = w.request();
  auto stranger = tlog::make_note_verifier("dock-1", tlog::key_type::ed25519, bodycam::tests::fixed_key(9).public_key());
  REQUIRE(stranger);
  request.log_keys = {*stranger};
  auto refused = tools::witness::cosign_store(a.s.backend(), request);
  REQUIRE(refused);
  CHECK(refused->verdict == witness_verdict::bad_log_signature);
  CHECK_FALSE(std::filesystem::exists(w.dir / "witness.state"));
}

TEST_CASE("witness state file round-trips and refuses other shapes", "[witness]") {
  tools::witness::witness_state s{"bodycam.store/log", {12, crypto::sha256(std::string_view("r"))}};
  const auto text = tools::witness::format_witness_state(s);
  auto back = tools::witness::parse_witness_state(text);
  REQUIRE(back);
  CHECK(back->origin == s.origin);
  CHECK(back->last.size == 12);
  CHECK(back->last.root == s.last.root);
  CHECK_FALSE(tools::witness::parse_witness_state(text.substr(0, text.size() - 1)));
  CHECK_FALSE(tools::witness::parse_witness_state("bodycam-witness-state/v1\norigin x\nsize 012\nroot " +
                                                  s.last.root.to_hex() + "\n"));
}

}  // namespace witness_test
