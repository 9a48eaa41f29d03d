// The witness as a service (`bodycam witness serve`): answers C2SP tlog-witness add-checkpoint requests
// (common/tlog/witness_protocol.hpp) for one log with tlog's witness rule, keeping the same state file as
// `bodycam witness cosign`. Free of sockets: the HTTP server (witness_server.hpp) hands it bodies and sends
// back the reply it builds, so every answer is tested without a network.
// Answers (in this order of checks, as tlog-witness v1.0.0 states them):
//   400 the body or the checkpoint does not parse, or the old size is larger than the checkpoint's size;
//   404 the checkpoint's origin is not this witness's log;
//   403 no configured log key verifies the checkpoint (or a signature by a configured key is bad);
//   409 text/x.tlog.size "<size>\n": the old size is not the size this witness last cosigned;
//   409 text/plain: same size as last cosigned but another root (a fork);
//   422 the consistency proof does not verify;
//   200 the witness's cosignature line, after the new state is on stable storage;
//   500 the state could not be saved or the cosignature not made (nothing answered as cosigned).
// Invariants:
//  1. A refusal changes nothing: the state in memory and on disk stays what it was.
//  2. The state file holds {size, root} of a checkpoint before any cosignature of it leaves the service (the
//     file is written durably first), so a witness that crashes never forgets what it cosigned.
//  3. One process per state file: open() takes an exclusive lock (flock on "<state>.lock") held for the
//     service's life; a second service or `bodycam witness cosign` on the same file is refused.
//  4. Not thread-safe; the server calls it from its one io_context thread.
#pragma once

#include "common/core/unique_fd.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/tlog/witness.hpp"
#include "tools/witness/witness_state.hpp"

#include <chrono>
#include <functional>
#include <vector>

namespace bodycam::tools::witness {

struct witness_reply {
  unsigned status = 500;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct witness_service_config {
  std::string origin;
  std::vector<common::tlog::note_verifier> log_keys;
  std::string name;                          // the witness's key name
  common::crypto::signer* signer = nullptr;  // the witness's key, outlives the service
  std::filesystem::path state_file;
  std::function<std::chrono::sys_seconds()> clock;  // the cosignatures' time
};

// An exclusive lock on "<state file>.lock" (invariant 3), released when destroyed.
class state_lock {
 public:
  // Errors: conflict (another process holds it), io.
  [[nodiscard]] static common::core::expected<state_lock> acquire(const std::filesystem::path& state_file);

 private:
  explicit state_lock(common::core::unique_fd fd) noexcept : fd_(std::move(fd)) {}
  common::core::unique_fd fd_;
};

class witness_service {
 public:
  // Locks and loads the state file. Errors: invalid_argument (no key, no log key), conflict (locked, or the state
  // names another origin), the state file's errors.
  [[nodiscard]] static common::core::expected<witness_service> open(witness_service_config config);

  [[nodiscard]] witness_reply add_checkpoint(std::string_view body);
  [[nodiscard]] const witness_state& state() const noexcept { return state_; }

 private:
  witness_service(witness_service_config config, state_lock lock, witness_state state)
      : config_(std::move(config)), lock_(std::move(lock)), state_(std::move(state)) {}

  witness_service_config config_;
  state_lock lock_;
  witness_state state_;
};

}  // namespace bodycam::tools::witness
