// Chain verification on several threads reports exactly what the sequential path reports: the same verdict, the
// same reason codes with the same details, the same seqs and ranges, for untouched chains, for every tamper
// (the named tamper tests in verifier_test.cpp go through both paths too) and for random tampers. Key rotations
// are the one sequential dependency of signature checking, so they are tested at every batch boundary.
#include "tests/common/chain/both_paths.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace parallel_verify_test {

using namespace bodycam::common;
using bodycam::tests::chain_scenario;
using bodycam::tests::verify_both;
using chain::reason;
using chain::verdict;

namespace {

std::vector<const record::signed_record*> pointers_to(const std::vector<record::signed_record>& records) {
  std::vector<const record::signed_record*> out;
  for (const auto& r : records) out.push_back(&r);
  return out;
}

const char* rotating_shift = "boot start seg rotate seg seg rotate seg stop boot rotate precheck start seg stop";

}  // namespace

TEST_CASE("key rotations verify on every thread count and at every batch boundary") {
  chain_scenario s("cam-1");
  s.run(rotating_shift);
  for (std::size_t batch = 1; batch <= s.records().size() + 1; ++batch)
    for (unsigned jobs : {2U, 3U, 5U}) {
      INFO("batch " << batch << ", jobs " << jobs);
      const auto report = verify_both(s.inputs(), s.options(), jobs, batch);
      CHECK(report.result == verdict::authentic);
      CHECK(report.problem_count() == 0);
    }
}

TEST_CASE("forged_key_rotate: a key_rotate whose signature fails does not move the key on, on any thread") {
  chain_scenario s("cam-1");
  s.run("boot start seg rotate seg seg rotate seg stop");  // rotates at seqs 3 and 6
  auto inputs = s.inputs();
  inputs[3].bytes.back() ^= 0x01;
  for (std::size_t batch = 1; batch <= 10; ++batch) {
    INFO("batch " << batch);
    const auto report = verify_both(inputs, s.options(), 2, batch);
    CHECK(report.result == verdict::not_authentic);
    for (const auto& r : report.records) {
      REQUIRE(r.parsed);
      const auto seq = r.parsed->body.seq;
      INFO("seq " << seq);
      // The records after the forged rotation were signed with keys the verifier never learns.
      if (seq >= 3)
        CHECK((r.findings.size() == 1 && r.findings[0].code == reason::bad_signature));
      else
        CHECK(r.findings.empty());
    }
  }
}

TEST_CASE("check_signatures: the outcome and the final key are the same for every job count") {
  chain_scenario s("cam-1");
  s.run(rotating_shift);
  auto records = s.records();
  records[5].bytes.back() ^= 0x01;
  records[5].sig.bytes.back() ^= 0x01;
  auto pointers = pointers_to(records);
  pointers[8] = nullptr;  // as for a record of another device: not checked
  const auto one = chain::check_signatures(pointers, s.first_key(), {1, 2});
  CHECK(one.threads == 0);
  CHECK(one.ok[5] == 0);
  CHECK(one.ok[8] == 0);
  CHECK(one.verified == records.size() - 2);
  CHECK_FALSE(one.key_after == s.first_key());
  for (unsigned jobs : {2U, 4U}) {
    const auto many = chain::check_signatures(pointers, s.first_key(), {jobs, 2});
    CHECK(many.threads == jobs);
    CHECK(many.ok == one.ok);
    CHECK(many.verified == one.verified);
    CHECK(many.key_after == one.key_after);
  }
}

TEST_CASE("check_signatures: a chain no longer than one batch, or jobs 1, starts no thread") {
  chain_scenario s("cam-1");
  s.run("boot start seg stop");
  const auto pointers = pointers_to(s.records());
  CHECK(chain::check_signatures(pointers, s.first_key(), {4, 4}).threads == 0);
  CHECK(chain::check_signatures(pointers, s.first_key(), {1, 1}).threads == 0);
  CHECK(chain::check_signatures(pointers, s.first_key(), {4, 1}).threads == 4);
  CHECK(chain::resolve_jobs(0) >= 1);
  CHECK(chain::resolve_jobs(3) == 3);
}

TEST_CASE("random tampers: the parallel report equals the sequential one (seed printed; BODYCAM_TEST_SEED replays)") {
  const auto seed = bodycam::tests::test_seed("random tampers, parallel vs sequential verification");
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const std::vector<std::string> words{"precheck", "start",    "seg",     "seg",    "seg",   "annotate",
                                       "interrupt", "recover", "stop",    "resume", "timesync", "receipt",
                                       "reclaim",  "rotate",   "config",  "mark",   "boot",  "clock_back"};
  constexpr int cases = 250;
  int authentic = 0, not_authentic = 0, other = 0, forged_rotations = 0, parallel_runs = 0;
  for (int c = 0; c < cases; ++c) {
    std::string story = "boot";
    const std::size_t length = 2 + pick(40);
    for (std::size_t w = 0; w < length; ++w) story += " " + words[pick(words.size())];
    chain_scenario s("cam-1");
    s.run(story);
    auto inputs = s.inputs();
    auto options = s.options();
    std::string tampers;
    const std::size_t tamper_count = pick(4);
    for (std::size_t t = 0; t < tamper_count && !inputs.empty(); ++t) {
      const std::size_t i = pick(inputs.size());
      switch (pick(10)) {
        case 0: inputs.erase(inputs.begin() + static_cast<std::ptrdiff_t>(i)); tampers += " remove"; break;
        case 1: std::swap(inputs[i].bytes, inputs[pick(inputs.size())].bytes); tampers += " swap"; break;
        case 2: inputs[i].bytes[pick(inputs[i].bytes.size())] ^= static_cast<std::uint8_t>(1 + pick(255)); tampers += " flip"; break;
        case 3: inputs[i].bytes.back() ^= 0x01; tampers += " flip_signature"; break;
        case 4: inputs.push_back(inputs[i]); tampers += " repeat"; break;
        case 5: inputs[i].bytes.resize(pick(inputs[i].bytes.size())); tampers += " truncate"; break;
        case 6: {
          chain_scenario other_device("cam-2", 2);
          other_device.run(story);
          inputs[i].bytes = other_device.records()[std::min(i, other_device.records().size() - 1)].bytes;
          tampers += " other_device";
          break;
        }
        case 7: {
          chain_scenario fork("cam-1");
          fork.run("boot start stop seg seg rotate seg");
          inputs.push_back(fork.inputs()[pick(fork.inputs().size())]);
          tampers += " fork";
          break;
        }
        case 8: {
          auto is_rotate_record = [&](const chain::record_input& in) {
            return std::any_of(s.records().begin(), s.records().end(), [&](const record::signed_record& r) {
              return std::holds_alternative<record::key_rotate_payload>(r.body.body) && r.bytes == in.bytes;
            });
          };
          const auto at = std::find_if(inputs.begin(), inputs.end(), is_rotate_record);
          if (at == inputs.end()) break;
          at->bytes.back() ^= 0x01;
          ++forged_rotations;
          tampers += " forge_rotate";
          break;
        }
        default: std::shuffle(inputs.begin(), inputs.end(), rng); tampers += " shuffle"; break;
      }
    }
    switch (pick(6)) {
      case 0: options.checkpoint = s.checkpoint(); tampers += " +checkpoint"; break;
      case 1: options.key = bodycam::tests::fixed_key(77).public_key(); tampers += " +wrong_key"; break;
      case 2: options.expect_genesis = false; tampers += " +excerpt"; break;
      default: break;
    }
    INFO("seed " << seed << ", case " << c << ": '" << story << "', tampers:" << tampers);
    const unsigned jobs = static_cast<unsigned>(2 + pick(3));
    const std::size_t batch = 1 + pick(6);
    const auto report = verify_both(inputs, options, jobs, batch);
    if (inputs.size() > batch) ++parallel_runs;
    if (report.result == verdict::authentic)
      ++authentic;
    else if (report.result == verdict::not_authentic)
      ++not_authentic;
    else
      ++other;
  }
  INFO("authentic " << authentic << ", not authentic " << not_authentic << ", other " << other
                    << ", forged rotations " << forged_rotations << ", parallel runs " << parallel_runs);
  // The cases really covered what they are meant to compare.
  CHECK(authentic + not_authentic + other == cases);
  CHECK(authentic > 0);
  CHECK(not_authentic > 0);
  CHECK(forged_rotations > 0);
  CHECK(parallel_runs > cases / 2);
}

TEST_CASE("random signatures: check_signatures equals the plain one-thread walk of the chain (seed printed)") {
  const auto seed = bodycam::tests::test_seed("random signatures, check_signatures vs the one-thread walk");
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  constexpr int cases = 100;
  int rotations_forged = 0, compared = 0;
  for (int c = 0; c < cases; ++c) {
    chain_scenario s("cam-1");
    std::string story = "boot";
    for (std::size_t w = 0, n = 4 + pick(60); w < n; ++w) story += pick(5) == 0 ? " rotate" : " seg";
    s.run(story);
    auto records = s.records();
    auto pointers = pointers_to(records);
    for (std::size_t t = 0, n = pick(4); t < n; ++t) {
      const std::size_t i = pick(records.size());
      if (pick(3) == 0) {
        pointers[i] = nullptr;
      } else {
        records[i].sig.bytes[pick(records[i].sig.bytes.size())] ^= 0x10;
        if (std::holds_alternative<record::key_rotate_payload>(records[i].body.body)) ++rotations_forged;
      }
    }
    // The walk the verifier did before signatures were checked on several threads.
    std::vector<std::uint8_t> expected(records.size(), 0);
    crypto::public_key key = s.first_key();
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (pointers[i] == nullptr || !record::verify_record_signature(*pointers[i], key)) continue;
      expected[i] = 1;
      if (const auto* rotate = std::get_if<record::key_rotate_payload>(&pointers[i]->body.body)) key = rotate->new_key;
    }
    const unsigned jobs = static_cast<unsigned>(1 + pick(4));
    const std::size_t batch = 1 + pick(8);
    INFO("seed " << seed << ", case " << c << ": '" << story << "', jobs " << jobs << ", batch " << batch);
    const auto outcome = chain::check_signatures(pointers, s.first_key(), {jobs, batch});
    CHECK(outcome.ok == expected);
    CHECK(outcome.key_after == key);
    CHECK(outcome.verified == static_cast<std::size_t>(std::count(expected.begin(), expected.end(), 1)));
    ++compared;
  }
  INFO("forged rotations " << rotations_forged);
  CHECK(compared == cases);
  CHECK(rotations_forged > 0);
}

}  // namespace parallel_verify_test
