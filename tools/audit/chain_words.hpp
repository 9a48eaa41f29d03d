// A chain report in people's words, for the text output of `bodycam verify` (a chain, a store, a bundle) and
// `bodycam audit`: one line per record as the verifier saw it, every finding as a sentence naming the device
// and the seqs ("Records 4–6 of cam-0002 are missing."), and one closing verdict sentence that lists every
// documented gap with its device, times and explanation. The reason codes stay in the JSON output
// (docs/formats/json-reports.md); exit codes are in --help and tools/README.md, not in these lines.
// The bundle's own report.txt keeps common/chain's report_to_text, which verify recomputes byte for byte.
#pragma once

#include "common/chain/verifier.hpp"
#include "tools/audit/audit_report.hpp"

#include <string>
#include <vector>

namespace bodycam::tools::audit {

// "Records 4–6 of cam-0002 are missing." and the like, for one finding of record `rr` (or of the chain when rr
// is null).
[[nodiscard]] std::string finding_sentence(const common::chain::finding& f, const common::chain::record_report* rr,
                                           const common::chain::chain_report& report,
                                           const common::record::device_id& device);

// One line per documented gap: "cam-0001, 08:01:05–08:01:35 UTC (30 s), record 6: power loss — the camera lost
// power; recording resumed after it."
[[nodiscard]] std::vector<std::string> documented_gap_lines(const common::chain::chain_report& report,
                                                            const common::record::device_id& device);

// "Authentic: all 9 records of cam-0001 verify; none is missing." / "Authentic, with 2 documented gaps:" and
// the gap lines / "NOT authentic: 3 problems, listed above." / "Cannot verify: …".
[[nodiscard]] std::string verdict_sentence(common::chain::verdict v, const std::string& subject,
                                           std::size_t record_count, std::size_t problem_count,
                                           const std::vector<std::string>& gap_lines);

// Header, a line per record and each finding as a sentence under it, chain findings; no verdict.
[[nodiscard]] std::string chain_lines(const common::chain::chain_report& report,
                                      const common::chain::verify_options& options);
// chain_lines and the chain's verdict sentence.
[[nodiscard]] std::string chain_text(const common::chain::chain_report& report,
                                     const common::chain::verify_options& options);

// ", clock set back 3600 s within this boot" / ", clock 7200 s behind the previous boot's last record" for a
// clock entry that records a change; "" for one that does not.
[[nodiscard]] std::string clock_change_words(const clock_audit& c);

}  // namespace bodycam::tools::audit
