// Tamper tests, named for the attack (STYLE.md §17). Each states exactly what the verifier must report.
#include "common/chain/verifier.hpp"
#include "tests/common/chain/both_paths.hpp"
#include "tests/common/chain/report_queries.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

#include <set>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace verifier_test {

using namespace bodycam::common;
using bodycam::tests::at_seq;
using bodycam::tests::chain_scenario;
using bodycam::tests::reasons_of;
using bodycam::tests::verify_both;
using chain::reason;
using chain::verdict;

namespace {

const char* shift = "boot precheck start seg seg seg stop";  // seqs 0..6

// Every record other than those listed reports nothing.
void check_others_ok(const chain::chain_report& report, std::set<std::uint64_t> flagged) {
  for (const auto& r : report.records)
    if (r.parsed && !flagged.count(r.parsed->body.seq)) {
      INFO("seq " << r.parsed->body.seq);
      CHECK(r.findings.empty());
    }
}

}  // namespace

TEST_CASE("an untouched chain is authentic") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto report = verify_both(s.inputs(), s.options());
  CHECK(report.result == verdict::authentic);
  CHECK(report.problem_count() == 0);
  CHECK(report.records.size() == 7);
}

TEST_CASE("interruptions and recoveries make the verdict authentic_with_gaps") {
  chain_scenario s("cam-1");
  s.run("boot start seg interrupt boot recover seg stop");
  auto report = verify_both(s.inputs(), s.options());
  CHECK(report.result == verdict::authentic_with_gaps);
  CHECK(report.documented_gaps == 2);
  CHECK(report.problem_count() == 0);
}

TEST_CASE("key rotation: records after key_rotate verify under the new key") {
  chain_scenario s("cam-1");
  s.run("boot start seg rotate seg seg stop");
  auto report = verify_both(s.inputs(), s.options());
  CHECK(report.result == verdict::authentic);
  CHECK(report.problem_count() == 0);
}

TEST_CASE("remove_one_record: the gap is named at the next record") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  inputs.erase(inputs.begin() + 3);
  auto report = verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  REQUIRE(report.missing.size() == 1);
  CHECK(report.missing[0].first == 3);
  CHECK(report.missing[0].last == 3);
  CHECK(reasons_of(at_seq(report, 4)) == std::vector{reason::seq_gap});
  CHECK(at_seq(report, 4).findings[0].detail == "records 3 are missing before this one");
  check_others_ok(report, {4});
}

TEST_CASE("remove_last_records: a witnessed checkpoint exposes the cut tail") {
  chain_scenario s("cam-1");
  s.run(shift);
  const auto checkpoint = s.checkpoint();  // count 7
  auto inputs = s.inputs();
  inputs.resize(5);
  auto options = s.options();
  SECTION("with the checkpoint") {
    options.checkpoint = checkpoint;
    auto report = verify_both(inputs, options);
    CHECK(report.result == verdict::not_authentic);
    REQUIRE(report.chain_findings.size() == 1);
    CHECK(report.chain_findings[0].code == reason::missing_tail);
    REQUIRE(report.missing.size() == 1);
    CHECK(report.missing[0].first == 5);
    CHECK(report.missing[0].last == 6);
    check_others_ok(report, {});
  }
  SECTION("without one, a cut tail cannot be told from a shorter chain (why the dock witnesses)") {
    auto report = verify_both(inputs, options);
    CHECK(report.result == verdict::authentic);
  }
}

TEST_CASE("swap_two_records: each stored place holds the other's record") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  std::swap(inputs[2].bytes, inputs[4].bytes);
  auto report = verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_seq(report, 2)) == std::vector{reason::seq_mismatch});
  CHECK(reasons_of(at_seq(report, 4)) == std::vector{reason::seq_mismatch});
  CHECK(at_seq(report, 2).findings[0].detail == "stored as seq 4 but the record says seq 2");
  check_others_ok(report, {2, 4});
}

TEST_CASE("flip_byte_in_payload: bad signature, and the next record no longer links") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  auto& bytes = inputs[3].bytes;  // a segment: flip a character of its file name
  const std::string name = std::get<record::segment_payload>(s.records()[3].body.body).file_name;
  auto at = std::search(bytes.begin(), bytes.end(), name.begin(), name.end());
  REQUIRE(at != bytes.end());
  *at ^= 0x01;
  auto report = verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_seq(report, 3)) == std::vector{reason::bad_signature});
  CHECK(reasons_of(at_seq(report, 4)) == std::vector{reason::prev_hash_mismatch});
  check_others_ok(report, {3, 4});
}

TEST_CASE("flip_byte_in_signature: only that record's signature fails") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  inputs[3].bytes.back() ^= 0x01;
  auto report = verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_seq(report, 3)) == std::vector{reason::bad_signature});
  check_others_ok(report, {3});
}

TEST_CASE("replay_record_from_other_device: refused as wrong_device, and its place shows as missing") {
  chain_scenario mine("cam-1", 1);
  mine.run(shift);
  chain_scenario other("cam-2", 2);
  other.run(shift);
  auto inputs = mine.inputs();
  inputs[3].bytes = other.records()[3].bytes;
  auto report = verify_both(inputs, mine.options());
  CHECK(report.result == verdict::not_authentic);
  const chain::record_report* replayed = nullptr;
  for (const auto& r : report.records)
    if (r.parsed && r.parsed->body.device.str() == "cam-2") replayed = &r;
  REQUIRE(replayed != nullptr);
  CHECK(reasons_of(*replayed) == std::vector{reason::wrong_device});
  REQUIRE(report.missing.size() == 1);
  CHECK(report.missing[0].first == 3);
  CHECK(report.missing[0].last == 3);
}

TEST_CASE("fork_at_seq: two validly signed records with one seq are both reported") {
  chain_scenario a("cam-1");
  a.run("boot start seg seg");
  chain_scenario b("cam-1");
  b.run("boot start stop");  // same key, same prefix, different record at seq 2
  auto inputs = a.inputs();
  inputs.push_back(b.inputs()[2]);
  auto report = verify_both(inputs, a.options());
  CHECK(report.result == verdict::not_authentic);
  int forks = 0;
  for (const auto& r : report.records)
    if (r.parsed && r.parsed->body.seq == 2) {
      CHECK(reasons_of(r) == std::vector{reason::fork});
      ++forks;
    }
  CHECK(forks == 2);
  check_others_ok(report, {2});
}

TEST_CASE("seq_repeated: an identical second copy is flagged once") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  inputs.push_back(inputs[2]);
  auto report = verify_both(inputs, s.options());
  int repeated = 0;
  for (const auto& r : report.records)
    if (!r.findings.empty()) {
      CHECK(reasons_of(r) == std::vector{reason::seq_repeated});
      ++repeated;
    }
  CHECK(repeated == 1);
  CHECK(report.result == verdict::not_authentic);
}

TEST_CASE("boot_counter_rollback: a boot counter that goes down is reported") {
  chain_scenario s("cam-1");
  s.run("boot start seg stop boot rollback_boot seg");
  auto report = verify_both(s.inputs(), s.options());
  CHECK(report.result == verdict::not_authentic);
  CHECK(reasons_of(at_seq(report, 5)) == std::vector{reason::boot_counter_backwards});
  check_others_ok(report, {5});
}

TEST_CASE("time going backwards within one boot is reported") {
  chain_scenario s("cam-1");
  s.run("boot start seg seg clock_back seg");
  auto report = verify_both(s.inputs(), s.options());
  CHECK(reasons_of(at_seq(report, 4)) == std::vector{reason::time_backwards});
  check_others_ok(report, {4});
  CHECK(report.result == verdict::not_authentic);
}

TEST_CASE("truncated_record_bytes: malformed, named, and its seq counted missing") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  inputs[3].bytes.resize(inputs[3].bytes.size() / 2);
  auto report = verify_both(inputs, s.options());
  CHECK(report.result == verdict::not_authentic);
  const auto& last = report.records.back();  // undecodable records come last
  CHECK_FALSE(last.parsed.has_value());
  CHECK(last.origin == "ledger seq 3");
  REQUIRE(last.findings.size() == 1);
  CHECK(last.findings[0].code == reason::malformed);
  CHECK(reasons_of(at_seq(report, 4)) == std::vector{reason::seq_gap});
}

TEST_CASE("wrong_public_key: every record and the chain say wrong_key, not bad_signature") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto options = s.options();
  options.key = bodycam::tests::fixed_key(77).public_key();
  auto report = verify_both(s.inputs(), options);
  CHECK(report.result == verdict::not_authentic);
  REQUIRE(report.chain_findings.size() == 1);
  CHECK(report.chain_findings[0].code == reason::wrong_key);
  for (const auto& r : report.records) CHECK(reasons_of(r) == std::vector{reason::wrong_key});
}

TEST_CASE("an unknown record version makes the chain unverifiable, not forged") {
  chain_scenario s("cam-1");
  s.run("boot start seg");
  auto inputs = s.inputs();
  inputs.push_back({"ledger seq 3", 3, s.records()[2].bytes});
  inputs.back().bytes[5] = 9;  // version 9
  auto report = verify_both(inputs, s.options());
  CHECK(report.records.back().findings[0].code == reason::unknown_version);
  CHECK(report.result == verdict::cannot_verify);
}

TEST_CASE("an excerpt that starts after seq 0 is complete when genesis is not expected") {
  chain_scenario s("cam-1");
  s.run(shift);
  auto inputs = s.inputs();
  inputs.erase(inputs.begin(), inputs.begin() + 2);
  auto options = s.options();
  options.expect_genesis = false;
  CHECK(verify_both(inputs, options).result == verdict::authentic);
  options.expect_genesis = true;
  auto report = verify_both(inputs, options);
  CHECK(report.result == verdict::not_authentic);
  CHECK(report.missing[0].first == 0);
  CHECK(report.missing[0].last == 1);
}

TEST_CASE("no records at all cannot be verified") {
  chain_scenario s("cam-1");
  CHECK(verify_both({}, s.options()).result == verdict::cannot_verify);
}

}  // namespace verifier_test
