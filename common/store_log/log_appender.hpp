// Appending to the store log from several processes (docks on several machines) without a lock server, with
// create-only writes only (docs/formats/log.md §4.8). The protocol:
//   1. Find the head: the largest N with log/checkpoint/<N> (0 if none), once per appender; then, while
//      log/batch/<N> exists, finish that batch (step 3) and move N past it.
//   2. Claim: create log/batch/<N> holding the new leaves. Whoever creates it owns positions N..N+k−1; a loser
//      (already_exists) goes back to step 1, which finishes the winner's batch, and tries again at the next N.
//   3. Finish (anyone, deterministically): read the edge of size N from the tiles, build the tiles of N+k with
//      tlog's tile_builder, create each one (identical bytes already there are fine), then create
//      log/checkpoint/<N+k>, a signed note by the finisher. A checkpoint already there must commit to the same
//      size and root (otherwise: errc::corrupt, the log forked).
// Invariants:
//  1. Positions are never shared: batch/<N> is created once (store_backend invariant 4), and the batch after it
//     starts at N+k only, because a batch is claimed only at a head reached by finishing every batch below it.
//  2. checkpoint/<M> exists only if every batch below M is claimed and every tile of size M is stored: it is
//     created after them, by a finisher that reached M through steps 1 and 3.
//  3. A claimer that dies after step 2 delays nothing: the next appender finishes its batch in step 1.
//  4. Every finisher of batch N computes the same tiles and root (tiles are a function of the leaves, invariant
//     1 makes the leaves of every batch fixed), so the checkpoints of the log are consistent with each other.
// Proof sketch: by induction on batches, the leaves at positions [0, M) are the concatenation of batch/0,
// batch/k0, … in order; tiles and checkpoint M are functions of those leaves (4), so any two checkpoints are
// prefixes of one sequence and each consistency proof between them verifies.
// Checkpoints are signed by the finishing dock's own key (note key name = dock id); a reader trusts the keys of
// the store's enrolled docks. Members are safe to call from several threads (one mutex per appender).
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/store/store.hpp"
#include "common/tlog/checkpoint.hpp"

#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace bodycam::common::store_log {

inline constexpr std::string_view default_log_origin = "bodycam.store/log";

struct log_signing {
  std::string origin = std::string(default_log_origin);
  std::string key_name;              // the dock id; the note key name of its checkpoints
  crypto::signer* signer = nullptr;  // the dock's key
};

// Leaves are in the log once claimed (step 2), finished or not; so a caller retries only the leaves after
// `claimed`, and a retry never logs a leaf twice.
struct append_result {
  std::uint64_t first_index = 0;  // position of the first leaf appended by this call
  std::uint64_t tree_size = 0;    // the log's size after the last finished batch
  std::size_t claimed = 0;        // leaves claimed, from the front of the input
  std::optional<core::error> error;  // why the rest was not claimed, or why a claimed batch is not finished yet
  [[nodiscard]] bool ok() const noexcept { return !error; }
};

class log_appender {
 public:
  log_appender(store::store& s, log_signing signing) noexcept : store_(s), signing_(std::move(signing)) {}

  // Appends encoded leaves (leaf.hpp) in batches of at most max_batch_leaves, each claimed and finished.
  [[nodiscard]] append_result append(std::span<const core::byte_buffer> leaves);
  // Step 1 alone: finishes every claimed batch; returns the log's size.
  [[nodiscard]] core::expected<std::uint64_t> finish_pending();
  // Step 2 alone, without finishing: returns the N the batch was claimed at. For recovery tests.
  [[nodiscard]] core::expected<std::uint64_t> claim(std::span<const core::byte_buffer> leaves);
  [[nodiscard]] store::store_backend& store_backend() noexcept { return store_.backend(); }

 private:
  [[nodiscard]] core::expected<std::uint64_t> advance();
  [[nodiscard]] core::expected<std::optional<std::uint64_t>> try_claim(std::uint64_t at, core::byte_view batch);
  [[nodiscard]] core::status finish_batch(std::uint64_t at, std::span<const core::byte_buffer> leaves);

  store::store& store_;
  log_signing signing_;
  std::mutex mutex_;
  std::optional<std::uint64_t> head_;
};

// The checkpoint text (origin, size, root) inside a stored checkpoint note, without checking signatures.
[[nodiscard]] core::expected<tlog::checkpoint> peek_checkpoint(std::string_view note);

}  // namespace bodycam::common::store_log
