// See both_paths.hpp.
#include "tests/common/chain/both_paths.hpp"

#include <catch2/catch.hpp>

#include "common/core/hex.hpp"

#include <sstream>

namespace bodycam::tests {

using namespace common;

std::string report_fingerprint(const chain::chain_report& report) {
  std::ostringstream out;
  auto findings = [&](const std::vector<chain::finding>& fs) {
    for (const auto& f : fs) out << "  " << chain::to_string(f.code) << ": " << f.detail << '\n';
  };
  out << "verdict " << chain::to_string(report.result) << ", documented gaps " << report.documented_gaps << '\n';
  out << "chain:\n";
  findings(report.chain_findings);
  out << "missing:";
  for (const auto& m : report.missing) out << ' ' << m.first << '-' << m.last;
  out << '\n';
  for (const auto& r : report.records) {
    out << "record '" << r.origin << "'";
    if (r.parsed)
      out << " seq " << r.parsed->body.seq << " hash " << r.parsed->hash.to_hex() << " bytes "
          << core::to_hex(r.parsed->bytes);
    else
      out << " undecodable";
    out << '\n';
    findings(r.findings);
  }
  return out.str();
}

chain::chain_report verify_both(std::span<const chain::record_input> inputs, chain::verify_options options,
                                unsigned jobs, std::size_t batch_records) {
  options.signatures = {1, batch_records};
  auto sequential = chain::verify_chain(inputs, options);
  CHECK(sequential.signature_threads == 0);
  options.signatures = {jobs, batch_records};
  const auto parallel = chain::verify_chain(inputs, options);
  std::size_t decoded = 0;
  for (const auto& r : parallel.records)
    if (r.parsed && r.parsed->body.device == options.device) ++decoded;
  if (jobs > 1 && decoded > batch_records) {
    INFO("the parallel run must have checked signatures on worker threads");
    CHECK(parallel.signature_threads == jobs);
  }
  INFO("jobs " << jobs << ", batch " << batch_records);
  CHECK(report_fingerprint(parallel) == report_fingerprint(sequential));
  return sequential;
}

}  // namespace bodycam::tests
