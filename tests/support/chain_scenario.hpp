// A scenario language for chains (STYLE.md §17): a test writes the story of a device as words and gets the
// signed records, e.g. chain_scenario("cam-1").run("boot precheck start seg seg seg stop").
// Words: boot (new boot: boot counter +1, monotonic time restarts), precheck, start, seg, annotate, eseg and
// eannotate (an encrypted segment / statement: the optional `encrypted` field with a plaintext hash), photo and
// ephoto (a photo, in the clear / encrypted), interrupt,
// recover, stop, resume (session_resume of the current session), action, mark, join and leave (officer-9
// joins or leaves the current session), timesync, receipt, reclaim, rotate
// (key_rotate to a fresh key), config, and the faults
// rollback_boot (boot counter goes down) and clock_back (monotonic time goes back within a boot).
// Keys come from fixed seeds, so scenarios are deterministic and their bytes stable across runs.
#pragma once

#include "common/chain/append.hpp"
#include "common/chain/checkpoint.hpp"
#include "common/chain/verifier.hpp"

#include <string_view>
#include <vector>

namespace bodycam::tests {

// A deterministic key: seed bytes all equal to `n`.
[[nodiscard]] common::crypto::secret_key fixed_key(std::uint8_t n);

class chain_scenario {
 public:
  explicit chain_scenario(std::string_view device, std::uint8_t key_seed = 1);

  chain_scenario& run(std::string_view words);
  [[nodiscard]] const std::vector<common::record::signed_record>& records() const { return records_; }
  [[nodiscard]] common::crypto::public_key first_key() const { return first_key_; }
  [[nodiscard]] const common::record::device_id& device() const { return device_; }
  [[nodiscard]] common::chain::signed_checkpoint checkpoint();

  // Inputs as a ledger would give them (origin "ledger seq N", claimed seq N).
  [[nodiscard]] std::vector<common::chain::record_input> inputs() const;
  [[nodiscard]] common::chain::verify_options options() const;

 private:
  void append(common::record::payload body);

  common::record::device_id device_;
  common::crypto::software_signer signer_;
  common::crypto::public_key first_key_;
  std::uint8_t next_key_seed_;
  common::chain::chain_head head_;
  std::uint32_t boot_counter_ = 0;
  std::int64_t monotonic_ms_ = 0;
  std::int64_t utc_ms_ = 1'795'000'000'000;  // 2026-11-18
  std::uint32_t segment_index_ = 0;
  common::record::session_id session_;
  std::vector<common::record::signed_record> records_;
};

[[nodiscard]] std::vector<common::chain::record_input> to_inputs(const std::vector<common::record::signed_record>& rs);

}  // namespace bodycam::tests
