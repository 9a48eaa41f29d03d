// The store log's files in the store; layout and guarantees in log_files.hpp.
#include "common/store_log/log_files.hpp"

#include "common/crypto/sha256.hpp"

#include <algorithm>

namespace bodycam::common::store_log {

namespace {

store::store_key must(core::expected<store::store_key> key) {
  // Only called with paths built from numbers and tlog's canonical tile paths, which are always valid keys.
  if (!key) std::abort();
  return std::move(*key);
}

}  // namespace

store::store_key tile_key(const tlog::tile& t) { return must(store::store_key::log(tlog::tile_path(t))); }
store::store_key batch_key(std::uint64_t size) { return must(store::store_key::log("batch/" + std::to_string(size))); }
store::store_key checkpoint_key(std::uint64_t size) {
  return must(store::store_key::log("checkpoint/" + std::to_string(size)));
}
store::store_key checkpoints_folder() { return must(store::store_key::log("checkpoint")); }

core::expected<store::store_key> cosignature_key(std::uint64_t size, std::string_view witness) {
  if (!store::is_valid_key_component(witness))
    return core::fail(core::errc::invalid_argument, "cosignature of witness '" + std::string(witness.substr(0, 80)) +
                                                        "': the witness name is not a valid store key component");
  return store::store_key::log("cosignature/" + std::to_string(size) + "/" + std::string(witness));
}

core::expected<core::byte_buffer> encode_batch(std::span<const core::byte_buffer> leaves) {
  if (leaves.empty() || leaves.size() > max_batch_leaves)
    return core::fail(core::errc::invalid_argument,
                      "encode log batch: " + std::to_string(leaves.size()) + " leaves (1-4096 allowed)");
  core::byte_buffer out;
  const auto n = static_cast<std::uint32_t>(leaves.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  for (const auto& leaf : leaves) {
    if (leaf.size() > tlog::max_entry_size)
      return core::fail(core::errc::invalid_argument, "encode log batch: a leaf exceeds 65535 bytes");
    out.push_back(static_cast<std::uint8_t>(leaf.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(leaf.size()));
    out.insert(out.end(), leaf.begin(), leaf.end());
  }
  return out;
}

core::expected<std::vector<core::byte_buffer>> decode_batch(core::byte_view bytes) {
  const auto bad = [](std::string why) { return core::fail(core::errc::malformed, "decode log batch: " + why); };
  if (bytes.size() < 4) return bad("shorter than its count");
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < 4; ++i) n = (n << 8) | bytes[i];
  if (n == 0 || n > max_batch_leaves) return bad("count " + std::to_string(n) + " outside 1-4096");
  std::vector<core::byte_buffer> leaves;
  std::size_t at = 4;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (bytes.size() - at < 2) return bad("leaf " + std::to_string(i) + " has no length");
    const std::size_t length = (std::size_t{bytes[at]} << 8) | bytes[at + 1];
    at += 2;
    if (bytes.size() - at < length) return bad("leaf " + std::to_string(i) + " is truncated");
    leaves.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                        bytes.begin() + static_cast<std::ptrdiff_t>(at + length));
    at += length;
  }
  if (at != bytes.size()) return bad("trailing bytes after leaf " + std::to_string(n - 1));
  return leaves;
}

core::expected<bool> create_exact(store::store_backend& backend, const store::store_key& key, core::byte_view bytes) {
  store::span_source source(bytes);
  auto created = backend.create(key, source, crypto::sha256(bytes));
  if (!created) return std::unexpected(created.error());
  if (*created == store::create_outcome::created) return true;
  auto stored = read_log_file(backend, key, bytes.size());
  if (!stored) return std::unexpected(stored.error());
  if (!*stored || !std::ranges::equal(**stored, bytes))
    return core::fail(core::errc::conflict, "create " + key.str() + " in " + backend.describe() +
                                                ": other bytes are already stored there");
  return false;
}

core::expected<std::optional<core::byte_buffer>> read_log_file(const store::store_backend& backend,
                                                               const store::store_key& key, std::size_t max_bytes) {
  auto bytes = backend.read_range(key, 0, max_bytes + 1);
  if (!bytes) {
    if (bytes.error().code == core::errc::not_found) return std::optional<core::byte_buffer>{};
    return std::unexpected(bytes.error());
  }
  if (bytes->size() > max_bytes)
    return core::fail(core::errc::corrupt, "read " + key.str() + " in " + backend.describe() + ": larger than " +
                                               std::to_string(max_bytes) + " bytes");
  return std::optional<core::byte_buffer>(std::move(*bytes));
}

core::expected<std::vector<std::uint64_t>> list_checkpoint_sizes(const store::store_backend& backend) {
  std::vector<std::uint64_t> sizes;
  auto listed = backend.list(checkpoints_folder(), [&](const store::list_entry& e) {
    if (!e.is_folder)
      if (auto n = store::parse_seq_name(e.name)) sizes.push_back(*n);
    return true;
  });
  if (!listed) return std::unexpected(listed.error());
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

core::expected<core::byte_buffer> store_tile_source::read_tile(const tlog::tile& t) {
  const auto key = tile_key(t);
  auto bytes = read_log_file(backend_, key, std::size_t{tlog::tile_full_width} * (tlog::max_entry_size + 2));
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return core::fail(core::errc::not_found, "read " + key.str() + " in " + backend_.describe() + ": missing");
  return std::move(**bytes);
}

}  // namespace bodycam::common::store_log
