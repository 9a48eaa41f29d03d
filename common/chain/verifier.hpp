// Verification of a device's chain, pure: bytes in, a report out. Used by the dock before it stores anything,
// by `bodycam verify` and `bodycam audit`, and by the offline bundle verifier.
// Every problem found is a `finding` with a stable reason code (docs/formats/chain.md §6 lists them); reports
// name the record (seq and where it came from) so a clerk can point at it. The verdict maps to the exit codes
// of DESIGN.md §7: 0 authentic, 1 authentic with documented gaps, 2 not authentic, 3 cannot verify.
// Decoding and linking run on the calling thread; signatures are checked by signature_stage on
// `options.signatures.jobs` threads, and the report is identical for every number of jobs.
#pragma once

#include "common/chain/checkpoint.hpp"
#include "common/chain/signature_stage.hpp"
#include "common/record/record.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bodycam::common::chain {

enum class reason {
  malformed,                  // bytes do not decode as a record (detail names the field)
  unknown_version,            // record format version this build does not know
  wrong_device,               // record belongs to another device
  wrong_key,                  // no record verifies under the given key: the key is not this chain's
  bad_signature,              // this record's signature does not verify (others do)
  seq_gap,                    // records missing before this one (detail lists the seqs)
  seq_repeated,               // an identical copy of a record already seen
  fork,                       // two different records claim the same seq
  prev_hash_mismatch,         // prev_hash is not the hash of the record before
  boot_counter_backwards,     // boot counter lower than the previous record's
  time_backwards,             // monotonic time went backwards within one boot
  seq_mismatch,               // the place it was stored under claims another seq
  missing_tail,               // a witnessed checkpoint covers records that are absent
  checkpoint_mismatch,        // the record at the checkpoint's head has another hash
  bad_checkpoint,             // the checkpoint's signature or device does not verify
};

[[nodiscard]] std::string_view to_string(reason r) noexcept;

enum class verdict { authentic = 0, authentic_with_gaps = 1, not_authentic = 2, cannot_verify = 3 };
[[nodiscard]] std::string_view to_string(verdict v) noexcept;
[[nodiscard]] inline int exit_code(verdict v) noexcept { return static_cast<int>(v); }

struct finding {
  reason code;
  std::string detail;
};

struct record_input {
  std::string origin;                        // where the bytes came from: "ledger seq 5", "records/cam-1/5"
  std::optional<std::uint64_t> claimed_seq;  // the seq that place claims, if it claims one
  core::byte_buffer bytes;
};

struct verify_options {
  record::device_id device;
  crypto::public_key key;         // the device key enrolled for seq 0 (key_rotate records move it on)
  bool expect_genesis = true;     // false for an excerpt (a bundle) that starts after seq 0
  std::optional<signed_checkpoint> checkpoint;  // a witnessed statement of how long the chain is
  signature_stage_options signatures{};          // threads that check signatures; the report never depends on it
};

struct record_report {
  std::string origin;
  std::optional<record::signed_record> parsed;  // absent if the bytes did not decode
  std::vector<finding> findings;

  [[nodiscard]] bool is_ok() const noexcept { return parsed.has_value() && findings.empty(); }
};

struct seq_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

struct chain_report {
  std::vector<record_report> records;  // in seq order; undecodable ones last, in input order
  std::vector<seq_range> missing;      // every seq absent from the chain, as ranges
  std::vector<finding> chain_findings; // findings about the chain as a whole (tail, checkpoint, key)
  std::uint64_t documented_gaps = 0;   // interruption/recovery records and segments with unsigned tails
  verdict result = verdict::cannot_verify;
  unsigned signature_threads = 0;      // threads that checked signatures (0: the calling thread); not a finding

  [[nodiscard]] std::size_t problem_count() const noexcept;
};

[[nodiscard]] chain_report verify_chain(std::span<const record_input> inputs, const verify_options& options);

}  // namespace bodycam::common::chain
