// One witness run over a store (`bodycam witness cosign`): read the store log's newest checkpoint and a
// consistency proof from the size this witness last cosigned (built from the store's tiles), apply tlog's
// decide_cosignature, and if it agrees, save the new state durably and then write the cosignature into the
// store create-only at log/cosignature/<size>/<witness name>.
// Invariants:
//  1. A refusal changes nothing: neither the state file nor the store.
//  2. The state is on stable storage before the cosignature is in the store, so a crash in between at most
//     repeats a cosignature of the same checkpoint (allowed by the witness rule), never forgets one.
//  3. The checkpoint must verify under one of the configured log keys (the docks' keys); the verdict is the
//     first one that is not bad_log_signature, so a fork or rollback signed by any trusted key is refused.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/store/store_backend.hpp"
#include "tools/witness/witness_state.hpp"

#include <chrono>
#include <vector>

namespace bodycam::tools::witness {

struct witness_request {
  std::string origin;                                   // the log's origin
  std::vector<common::tlog::note_verifier> log_keys;    // Ed25519 keys allowed to sign its checkpoints
  std::string name;                                     // the witness's key name (its key file's label)
  common::crypto::signer* signer = nullptr;             // the witness's key
  std::filesystem::path state_file;
  std::chrono::sys_seconds now{};
};

struct witness_outcome {
  common::tlog::witness_verdict verdict = common::tlog::witness_verdict::malformed_checkpoint;
  std::string reason;
  std::uint64_t size = 0;  // the checkpoint's size
  bool already_cosigned = false;  // a cosignature of this witness was already stored for this size
  [[nodiscard]] bool is_cosign() const noexcept { return verdict == common::tlog::witness_verdict::cosign; }
};

// Errors (nothing cosigned, nothing changed): the store log is empty or unreadable, the state file is unreadable
// or names another origin, the state or the cosignature cannot be written.
[[nodiscard]] common::core::expected<witness_outcome> cosign_store(common::store::store_backend& backend,
                                                                   const witness_request& request);

}  // namespace bodycam::tools::witness
