// Where the store log lives in the store and how its files are read and written (docs/formats/log.md §4.7):
//   log/tile/<L>/<N>[.p/<W>], log/tile/entries/<N>[.p/<W>]   C2SP tiles and entry bundles
//   log/batch/<N>                                             the leaves claimed at tree size N
//   log/checkpoint/<N>                                        signed note of the checkpoint of size N
//   log/cosignature/<N>/<witness>                             a witness's signature line for checkpoint N
// Every file is written create-only through the store's backend and never changes (store_backend invariant 1),
// so it works on a directory and on an S3 bucket alike. `store_tile_source` serves tiles to common/tlog.
// Guarantees: create_exact reports `created`, or `already stored` when the same bytes are there, and refuses
// with errc::conflict (nothing written) when other bytes are; a batch decodes only as it was encoded.
#pragma once

#include "common/store/store_backend.hpp"
#include "common/tlog/entry_bundle.hpp"
#include "common/tlog/tile.hpp"

#include <optional>
#include <vector>

namespace bodycam::common::store_log {

inline constexpr std::size_t max_batch_leaves = 4096;
inline constexpr std::size_t max_log_file_bytes = std::size_t{16} << 20;

[[nodiscard]] store::store_key tile_key(const tlog::tile& t);
[[nodiscard]] store::store_key batch_key(std::uint64_t size);
[[nodiscard]] store::store_key checkpoint_key(std::uint64_t size);
[[nodiscard]] core::expected<store::store_key> cosignature_key(std::uint64_t size, std::string_view witness);
[[nodiscard]] store::store_key checkpoints_folder();

// A batch file: u32 big-endian count (1..max_batch_leaves), then each leaf as u16 big-endian length + bytes.
[[nodiscard]] core::expected<core::byte_buffer> encode_batch(std::span<const core::byte_buffer> leaves);
[[nodiscard]] core::expected<std::vector<core::byte_buffer>> decode_batch(core::byte_view bytes);

// True if this call created the file, false if the same bytes were already stored.
[[nodiscard]] core::expected<bool> create_exact(store::store_backend& backend, const store::store_key& key,
                                                core::byte_view bytes);
// The whole file, or nullopt if absent; errc::corrupt if larger than `max_bytes`.
[[nodiscard]] core::expected<std::optional<core::byte_buffer>> read_log_file(
    const store::store_backend& backend, const store::store_key& key, std::size_t max_bytes = max_log_file_bytes);
// The sizes N of log/checkpoint/<N>, ascending.
[[nodiscard]] core::expected<std::vector<std::uint64_t>> list_checkpoint_sizes(const store::store_backend& backend);

class store_tile_source final : public tlog::tile_source {
 public:
  explicit store_tile_source(const store::store_backend& backend) noexcept : backend_(backend) {}
  [[nodiscard]] core::expected<core::byte_buffer> read_tile(const tlog::tile& t) override;

 private:
  const store::store_backend& backend_;
};

}  // namespace bodycam::common::store_log
