#include "common/chain/checkpoint.hpp"
#include "tests/common/chain/both_paths.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace checkpoint_test {

using namespace bodycam::common;
using bodycam::tests::chain_scenario;
using bodycam::tests::verify_both;

TEST_CASE("a checkpoint signs, parses and verifies under the device key only") {
  chain_scenario s("cam-1");
  s.run("boot start seg");
  auto cp = s.checkpoint();
  auto parsed = chain::parse_signed_checkpoint(cp.bytes);
  REQUIRE(parsed.has_value());
  CHECK(parsed->body.count == 3);
  CHECK(parsed->body.head == s.records().back().hash);
  CHECK(chain::verify_checkpoint_signature(*parsed, s.first_key()));
  CHECK_FALSE(chain::verify_checkpoint_signature(*parsed, bodycam::tests::fixed_key(5).public_key()));
  auto forged = cp.bytes;
  forged[12] ^= 1;  // inside the device id or count
  auto p = chain::parse_signed_checkpoint(forged);
  if (p) CHECK_FALSE(chain::verify_checkpoint_signature(*p, s.first_key()));
  for (std::size_t n = 0; n < cp.bytes.size(); ++n)
    CHECK_FALSE(chain::parse_signed_checkpoint(bodycam::common::core::byte_view(cp.bytes).first(n)).has_value());
}

TEST_CASE("a checkpoint signature is not a record signature (domain separation)") {
  chain_scenario s("cam-1");
  s.run("boot");
  auto cp = s.checkpoint();
  // The record signing message for a hash equal to the checkpoint's canonical hash must not verify.
  const auto canonical = bodycam::common::core::byte_view(cp.bytes).first(cp.bytes.size() - 64);
  CHECK_FALSE(crypto::verify_signature(s.first_key(), record::signing_message(crypto::sha256(canonical)), cp.sig));
}

TEST_CASE("a checkpoint signed by another key is reported as bad_checkpoint") {
  chain_scenario s("cam-1");
  s.run("boot start seg");
  chain_scenario other("cam-1", 3);
  other.run("boot start seg");
  auto options = s.options();
  options.checkpoint = other.checkpoint();
  auto report = verify_both(s.inputs(), options);
  REQUIRE(report.chain_findings.size() == 1);
  CHECK(report.chain_findings[0].code == chain::reason::bad_checkpoint);
}

}  // namespace checkpoint_test
