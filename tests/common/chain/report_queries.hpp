// Questions the chain tests ask of a verifier's report: the reason codes of one record, the one record at a seq.
// Header-only; Catch2 assertions fail the calling test when the report does not hold what is asked.
#pragma once

#include "common/chain/verifier.hpp"

#include <vector>

#include <catch2/catch.hpp>

namespace bodycam::tests {

inline std::vector<common::chain::reason> reasons_of(const common::chain::record_report& r) {
  std::vector<common::chain::reason> out;
  for (const auto& f : r.findings) out.push_back(f.code);
  return out;
}

// The report of the record with this seq (must be unique).
inline const common::chain::record_report& at_seq(const common::chain::chain_report& report, std::uint64_t seq) {
  const common::chain::record_report* found = nullptr;
  for (const auto& r : report.records)
    if (r.parsed && r.parsed->body.seq == seq) {
      REQUIRE(found == nullptr);
      found = &r;
    }
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace bodycam::tests
