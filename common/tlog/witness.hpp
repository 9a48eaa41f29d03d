// The witness's rule (C2SP tlog-witness, https://c2sp.org/tlog-witness), pure: given what the witness last
// cosigned for a log and a new signed checkpoint with the consistency proof from the old size, cosign or refuse.
// Invariants (the witness cosigns only if all hold):
//  1. The checkpoint is a signed note that verifies under the configured log key, and its origin is the log's.
//  2. The old size the request names is the size the witness last cosigned (0 for a log never seen).
//  3. The new tree is not smaller than the last cosigned one.
//  4. At the same size the root is the same (a different root is a fork, refused and reported as such).
//  5. The consistency proof from (old size, old root) to (new size, new root) verifies (RFC 9162 §2.1.4.2).
// A refusal never changes the witness's state; after a cosign, the new state is {size, root} of the checkpoint.
#pragma once

#include "common/tlog/checkpoint.hpp"
#include "common/tlog/note.hpp"
#include "common/tlog/proof.hpp"

namespace bodycam::common::tlog {

struct witness_log {
  std::string origin;
  note_verifier log_key;
};

struct witnessed_state {
  std::uint64_t size = 0;
  hash root = empty_tree_hash();
};

enum class witness_verdict {
  cosign,
  malformed_checkpoint,  // note or checkpoint text does not parse
  bad_log_signature,     // no valid signature by the log key (invariant 1)
  wrong_origin,          // (invariant 1)
  old_size_mismatch,     // the request's old size is not what the witness cosigned last (invariant 2)
  smaller_tree,          // (invariant 3)
  fork,                  // same size, different root (invariant 4)
  bad_proof,             // (invariant 5)
};

[[nodiscard]] std::string_view to_string(witness_verdict v) noexcept;

struct witness_decision {
  witness_verdict verdict = witness_verdict::malformed_checkpoint;
  std::string reason;      // for people: names the log, the sizes and what failed
  checkpoint accepted;     // valid when verdict == cosign
  std::string text;        // the checkpoint text to cosign, when verdict == cosign
  [[nodiscard]] bool is_cosign() const noexcept { return verdict == witness_verdict::cosign; }
};

[[nodiscard]] witness_decision decide_cosignature(const witness_log& log, const witnessed_state& last,
                                                  std::string_view signed_checkpoint, std::uint64_t old_size,
                                                  const proof& consistency);

}  // namespace bodycam::common::tlog
