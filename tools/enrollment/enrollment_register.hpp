// The enrollment register as a whole: the stored entries checked against the agency root the caller trusts,
// and the authorization table built from the ones that count. Pure: it takes the stored names and bytes.
// Invariants (docs/formats/enrollment.md §4 numbers them the same):
//  R1. Every stored item is named `<seq>` (canonical decimal) and decodes, and its own seq is its name;
//      else a finding (malformed, misplaced) and the entry does not count.
//  R2. The seqs are 0..N-1 with none missing; a missing one is `seq_gap` naming it (deleting a middle entry),
//      and each entry's prev_hash is the hash of the entry before it (`prev_hash_mismatch`: an entry replaced
//      or forged in place). A cut tail is not visible here; the store log (DESIGN.md §8) finds that.
//  R3. Each entry's signature verifies under the signer key it names (`bad_signature`), and its signer may
//      sign enrollment entries at its time (authorization_table A2, `unauthorized_signer`).
//  R4. An entry's time is not before the previous entry's (`time_goes_backwards`): a revoked admin cannot
//      place an entry before the revocation that ended them.
//  R5. Entries after a break (gap, link or signature) are still read and shown, but nothing after the first
//      break counts: the table holds only the intact prefix, so a cut cannot smuggle in an entry.
#pragma once

#include "tools/enrollment/authorization_table.hpp"

#include <string>
#include <vector>

namespace bodycam::tools::enrollment {

struct stored_item {
  std::string name;  // the leaf in enrollment/
  core::byte_buffer bytes;
};

struct enrollment_finding {
  std::string entry;  // "enrollment/3"
  std::string code;   // malformed, misplaced, seq_gap, prev_hash_mismatch, bad_signature, unauthorized_signer,
                      // unknown_revoked_entry, time_goes_backwards
  std::string detail;
};

struct verified_register {
  std::vector<signed_enrollment_entry> entries;  // every entry that decoded, in seq order
  std::vector<enrollment_finding> findings;
  authorization_table table;

  [[nodiscard]] bool is_intact() const noexcept { return findings.empty(); }
};

[[nodiscard]] verified_register verify_register(const crypto::public_key& root, const std::vector<stored_item>& items);

}  // namespace bodycam::tools::enrollment
