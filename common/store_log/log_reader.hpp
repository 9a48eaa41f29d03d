// Reading the store log back out of the store: its newest checkpoint, its leaves (from the entry bundles),
// consistency proofs from its tiles, and the leaf a stored item should have. Guarantees: tiles used for a proof
// are authenticated against the checkpoint's root (tlog's tile_hash_reader), so a proof from a tampered tile is
// an error here, never a proof; leaves are returned in log order, exactly as the bundles hold them.
#pragma once

#include "common/store/store_backend.hpp"
#include "common/store_log/leaf.hpp"
#include "common/tlog/checkpoint.hpp"
#include "common/tlog/proof.hpp"

#include <optional>
#include <vector>

namespace bodycam::common::store_log {

struct stored_checkpoint {
  std::string note;  // the signed note as stored
  tlog::checkpoint checkpoint;
};

// The checkpoint of the largest size in log/checkpoint/, or nullopt for a store whose log is empty.
[[nodiscard]] core::expected<std::optional<stored_checkpoint>> newest_checkpoint(const store::store_backend& backend);
// The checkpoint of exactly `size`, or not_found.
[[nodiscard]] core::expected<stored_checkpoint> read_checkpoint(const store::store_backend& backend, std::uint64_t size);
// Entries 0..size-1 from the entry bundles.
[[nodiscard]] core::expected<std::vector<core::byte_buffer>> read_log_entries(const store::store_backend& backend,
                                                                             std::uint64_t size);
// The consistency proof from `old_size` to the checkpoint (old_size <= its size).
[[nodiscard]] core::expected<tlog::proof> prove_log_consistency(const store::store_backend& backend,
                                                                const tlog::checkpoint& to, std::uint64_t old_size);
// The leaf of a stored item: an object's digest is its name (the store checked it on the way in); any other
// item is read and hashed.
[[nodiscard]] core::expected<store_leaf> leaf_for_stored(const store::store_backend& backend,
                                                         const store::store_key& key);
// Every stored item the log covers (all keys under loggable_kinds), sorted.
[[nodiscard]] core::expected<std::vector<store::store_key>> list_loggable_keys(const store::store_backend& backend);

}  // namespace bodycam::common::store_log
