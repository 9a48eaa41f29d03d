// Runs chain verification twice, on the calling thread alone (jobs 1) and spread over worker threads with batches
// so small that even a seven-record chain is split between them, checks that the two reports are identical field
// by field (verdict, every finding's code and detail, every reported seq and range, in order) and that the
// parallel run really used threads, and returns the sequential report for the test's own assertions.
#pragma once

#include "common/chain/verifier.hpp"

#include <span>
#include <string>

namespace bodycam::tests {

// Text of a report that holds every field a reader of the report can see; two reports are the same iff their
// texts are equal. Used for comparing and, on a mismatch, for showing where they differ.
[[nodiscard]] std::string report_fingerprint(const common::chain::chain_report& report);

// `jobs` and `batch_records` configure the parallel run; the parallel run must start at least one thread
// whenever the chain holds more than `batch_records` records of the device.
[[nodiscard]] common::chain::chain_report verify_both(std::span<const common::chain::record_input> inputs,
                                                      common::chain::verify_options options, unsigned jobs = 3,
                                                      std::size_t batch_records = 1);

}  // namespace bodycam::tests
