// Shared by the store log tests: fixed keys, leaves named after a writer, and a full check of a stored log
// (every entry parses, every checkpoint is signed by a known key and consistent with the one before it).
#pragma once

#include "common/store/store.hpp"
#include "common/store_log/leaf.hpp"
#include "common/tlog/note.hpp"

#include <set>
#include <string>
#include <vector>

namespace bodycam::tests::store_log {

// An Ed25519 key from a 32-byte seed of `fill`.
[[nodiscard]] common::crypto::secret_key key_from_fill(std::uint8_t fill);
[[nodiscard]] common::tlog::note_verifier verifier_for(std::string_view name, std::uint8_t fill);
// The encoded leaf of receipts/<name>, whose digest is SHA-256(name).
[[nodiscard]] common::core::byte_buffer named_leaf(const std::string& name);

struct log_check {
  std::uint64_t size = 0;
  std::vector<std::string> keys;            // logged keys in log order
  std::size_t checkpoints = 0;
  std::set<std::string> checkpoint_signers;  // key names that signed checkpoints
};
// Fails the calling test (REQUIREs) on any inconsistency.
[[nodiscard]] log_check check_stored_log(const common::store::store_backend& backend,
                                         const std::vector<common::tlog::note_verifier>& keys);

}  // namespace bodycam::tests::store_log
