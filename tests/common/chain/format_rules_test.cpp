// The rules docs/formats/chain.md §8.1 decides for a second implementation (V1-V13), one test case per rule,
// named for it, each verified on one thread and on several (both_paths.hpp). Each builds the exact bytes the
// rule is about — re-signed with the device key where the rule is about what a valid signature cannot rescue —
// and states every finding the verifier must report.
#include "common/chain/verifier.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sha256.hpp"
#include "tests/common/chain/both_paths.hpp"
#include "tests/common/chain/report_queries.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace format_rules_test {

using namespace bodycam::common;
using bodycam::tests::at_seq;
using bodycam::tests::chain_scenario;
using bodycam::tests::reasons_of;
using bodycam::tests::fixed_key;
using chain::reason;
using chain::verdict;

namespace {

const chain::record_report& at_origin(const chain::chain_report& report, const std::string& origin) {
  for (const auto& r : report.records)
    if (r.origin == origin) return r;
  FAIL("no record from " << origin);
  return report.records.front();
}

// The canonical bytes of a signed record, changed by `edit`, then signed again with the scenario's key (seed 1):
// the result carries a valid signature over whatever the edit made.
core::byte_buffer resigned(const record::signed_record& r, const std::function<void(core::byte_buffer&)>& edit) {
  core::byte_buffer canonical(r.bytes.begin(), r.bytes.end() - static_cast<std::ptrdiff_t>(crypto::signature::size));
  edit(canonical);
  const auto sig = fixed_key(1).sign(record::signing_message(crypto::sha256(canonical)));
  canonical.insert(canonical.end(), sig.bytes.begin(), sig.bytes.end());
  return canonical;
}

// Offsets in the canonical bytes of a record of device "cam-1" (chain.md §3.1 with L = 5).
constexpr std::size_t kind_at = 6, device_at = 10, prev_hash_at = 23, monotonic_at = 59, payload_length_at = 92;

}  // namespace

TEST_CASE("V1: every field §3.1 forbids is malformed, even under a valid signature") {
  chain_scenario s("cam-1");
  s.run("boot start seg stop");
  struct damage {
    const char* name;
    std::uint64_t seq;
    std::function<void(core::byte_buffer&)> edit;
    const char* detail;  // what the finding's detail must name
  };
  const std::vector<damage> damages{
      {"kind 0", 1, [](auto& b) { b[kind_at] = 0, b[kind_at + 1] = 0; }, "kind"},
      {"device id outside the alphabet", 1, [](auto& b) { b[device_at + 3] = '/'; }, "device"},
      {"negative monotonic_ns", 1, [](auto& b) { b[monotonic_at] = 0x80; }, "monotonic_ns"},
      {"seq 0 with a non-zero prev_hash", 0, [](auto& b) { b[prev_hash_at] = 1; }, "prev_hash"},
      {"payload_length over 1 MiB", 1,
       [](auto& b) { b[payload_length_at] = 0, b[payload_length_at + 1] = 0x10, b[payload_length_at + 3] = 1; },
       "payload_length"},
      {"a byte after the payload", 1, [](auto& b) { b.push_back(0); }, "after the payload"},
  };
  for (const auto& d : damages) {
    INFO(d.name);
    auto inputs = s.inputs();
    inputs[d.seq].bytes = resigned(s.records()[d.seq], d.edit);
    const auto report = bodycam::tests::verify_both(inputs, s.options());
    CHECK(report.result == verdict::not_authentic);
    const auto& bad = at_origin(report, "ledger seq " + std::to_string(d.seq));
    CHECK_FALSE(bad.parsed.has_value());
    REQUIRE(reasons_of(bad) == std::vector{reason::malformed});
    CHECK_THAT(bad.findings[0].detail, Catch::Contains(d.detail));
  }
  SECTION("a signed record of 64 bytes is too short to be one") {
    auto inputs = s.inputs();
    inputs[2].bytes.assign(64, 0);
    const auto report = bodycam::tests::verify_both(inputs, s.options());
    CHECK(reasons_of(at_origin(report, "ledger seq 2")) == std::vector{reason::malformed});
  }
}

TEST_CASE("V2: an undecodable record occupies no seq, and its successor's link is not checked") {
  chain_scenario s("cam-1");
  s.run("boot start seg seg stop");  // seqs 0..4
  auto inputs = s.inputs();
  inputs[2].bytes.resize(40);
  // Record 3 now names a predecessor that exists nowhere; with 2 unreadable that cannot be held against it.
  inputs[3].bytes = resigned(s.records()[3], [](auto& b) { b[prev_hash_at] ^= 0xff; });
  const auto report = bodycam::tests::verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_seq(report, 3)) == std::vector{reason::seq_gap});
  REQUIRE(report.missing.size() == 1);
  CHECK(report.missing[0].first == 2);
  CHECK(report.missing[0].last == 2);
  CHECK(report.records.back().origin == "ledger seq 2");  // reported after the decoded ones
  CHECK(reasons_of(report.records.back()) == std::vector{reason::malformed});
  // Record 3's bytes changed, so record 4 no longer links to what is stored (V5).
  CHECK(reasons_of(at_seq(report, 4)) == std::vector{reason::prev_hash_mismatch});
}

TEST_CASE("V3: after a seq_mismatch the record's own seq drives order; the place it took counts missing") {
  chain_scenario s("cam-1");
  s.run("boot precheck start seg seg seg stop");  // seqs 0..6
  auto inputs = s.inputs();
  inputs[5] = {"records/cam-1/5", 5, s.records()[6].bytes};  // record 6 stored where 5 was; 5 and the old 6 gone
  inputs.pop_back();
  const auto report = bodycam::tests::verify_both(inputs, s.options());
  CHECK(reasons_of(at_seq(report, 6)) == std::vector{reason::seq_mismatch, reason::seq_gap});
  REQUIRE(report.missing.size() == 1);
  CHECK(report.missing[0].first == 5);
  CHECK(report.missing[0].last == 5);
  for (std::uint64_t seq = 0; seq < 5; ++seq) CHECK(reasons_of(at_seq(report, seq)).empty());
}

TEST_CASE("V8: of two identical records, the one later in input order (a store: the higher place) is the copy") {
  chain_scenario s("cam-1");
  s.run("boot start seg seg stop");
  auto inputs = s.inputs();
  inputs.push_back({"records/cam-1/9", 9, s.records()[2].bytes});
  const auto report = bodycam::tests::verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_origin(report, "records/cam-1/9")) == std::vector{reason::seq_mismatch, reason::seq_repeated});
  CHECK(reasons_of(at_origin(report, "ledger seq 2")).empty());
  CHECK(reasons_of(at_seq(report, 3)).empty());  // the original still links its successor
}

TEST_CASE("V9: at a fork the next record may link to any one of the records that claim seq - 1") {
  chain_scenario a("cam-1");
  a.run("boot start seg seg stop");
  chain_scenario b("cam-1");
  b.run("boot start mark seg stop");  // same key, same seqs 0-1; a different record at 2, then its own successors
  REQUIRE(a.records()[1].bytes == b.records()[1].bytes);
  std::vector<chain::record_input> inputs;
  for (std::uint64_t seq = 0; seq <= 2; ++seq) inputs.push_back({"a " + std::to_string(seq), seq, a.records()[seq].bytes});
  for (std::uint64_t seq = 2; seq <= 4; ++seq) inputs.push_back({"b " + std::to_string(seq), seq, b.records()[seq].bytes});
  const auto report = bodycam::tests::verify_both(inputs, a.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_origin(report, "a 2")) == std::vector{reason::fork});
  CHECK(reasons_of(at_origin(report, "b 2")) == std::vector{reason::fork});
  CHECK(at_origin(report, "a 2").findings[0].detail == "2 different records claim seq 2");
  CHECK(reasons_of(at_origin(report, "b 3")).empty());  // links to the second of the two: accepted
  CHECK(reasons_of(at_origin(report, "b 4")).empty());
}

TEST_CASE("V10: a key_rotate whose own signature fails moves nothing; the records after it are bad_signature") {
  chain_scenario s("cam-1");
  s.run("boot start rotate seg seg");  // seq 2 rotates; 3 and 4 are signed by the new key
  auto inputs = s.inputs();
  inputs[2].bytes.back() ^= 0x01;  // the rotate record's signature only
  const auto report = bodycam::tests::verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(report.chain_findings.empty());  // records 0 and 1 verify: the key is right, so no wrong_key
  CHECK(reasons_of(at_seq(report, 0)).empty());
  CHECK(reasons_of(at_seq(report, 1)).empty());
  for (std::uint64_t seq = 2; seq <= 4; ++seq) {
    INFO("seq " << seq);
    CHECK(reasons_of(at_seq(report, seq)) == std::vector{reason::bad_signature});
  }
  SECTION("untouched, the rotation is followed") {
    CHECK(bodycam::tests::verify_both(s.inputs(), s.options()).result == verdict::authentic);
  }
}

TEST_CASE("V11: a checkpoint under another key is bad_checkpoint and says nothing about the tail") {
  chain_scenario s("cam-1");
  s.run("boot start seg seg stop");
  chain_scenario other("cam-1", 9);
  other.run("boot start seg seg stop");
  auto inputs = s.inputs();
  inputs.resize(3);  // the last two records cut
  auto options = s.options();
  options.checkpoint = other.checkpoint();
  const auto report = bodycam::tests::verify_both(inputs, options);
  REQUIRE(report.chain_findings.size() == 1);
  CHECK(report.chain_findings[0].code == reason::bad_checkpoint);
  CHECK(report.missing.empty());
  SECTION("the device's own checkpoint exposes the cut") {
    options.checkpoint = s.checkpoint();
    const auto own = bodycam::tests::verify_both(inputs, options);
    REQUIRE(own.chain_findings.size() == 1);
    CHECK(own.chain_findings[0].code == reason::missing_tail);
  }
}

TEST_CASE("V12: a forged record outweighs an unknown version; only unknown versions cannot be verified") {
  chain_scenario s("cam-1");
  s.run("boot start seg stop");
  auto inputs = s.inputs();
  inputs[3].bytes[4] = 0, inputs[3].bytes[5] = 7;  // version 7
  CHECK(bodycam::tests::verify_both(inputs, s.options()).result == verdict::cannot_verify);
  inputs[1].bytes.back() ^= 0x01;
  const auto report = bodycam::tests::verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_seq(report, 1)) == std::vector{reason::bad_signature});
}

TEST_CASE("V13: public key lines may use upper-case hex and lack the final newline; nothing else is relaxed") {
  const auto key = fixed_key(3).public_key();
  const std::string lower = "bodycam-public-key-v1 cam-1 " + key.to_hex();
  std::string upper = lower;
  std::transform(upper.begin() + static_cast<std::ptrdiff_t>(upper.size() - 64), upper.end(),
                 upper.begin() + static_cast<std::ptrdiff_t>(upper.size() - 64),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  REQUIRE(upper != lower);
  for (const auto& line : {lower + "\n", lower, upper + "\n", upper}) {
    INFO(line);
    const auto parsed = crypto::parse_public_key_line(line, "test");
    REQUIRE(parsed);
    CHECK(parsed->label == "cam-1");
    CHECK(parsed->key == key);
  }
  for (const auto& bad : {lower + "\n\n", "bodycam-public-key-v2 cam-1 " + key.to_hex() + "\n",
                          "bodycam-public-key-v1 .cam " + key.to_hex() + "\n", lower.substr(0, lower.size() - 2),
                          "bodycam-public-key-v1  cam-1 " + key.to_hex()}) {
    INFO(bad);
    CHECK_FALSE(crypto::parse_public_key_line(bad, "test"));
  }
}

}  // namespace format_rules_test
