// Reading the store log; guarantees in log_reader.hpp.
#include "common/store_log/log_reader.hpp"

#include "common/store/store.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "common/tlog/entry_bundle.hpp"
#include "common/tlog/tile.hpp"

#include <algorithm>
#include <functional>

namespace bodycam::common::store_log {

core::expected<stored_checkpoint> read_checkpoint(const store::store_backend& backend, std::uint64_t size) {
  const auto key = checkpoint_key(size);
  auto bytes = read_log_file(backend, key, tlog::max_checkpoint_bytes + 64 * 1024);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return core::fail(core::errc::not_found, "read " + key.str() + " in " + backend.describe() + ": missing");
  stored_checkpoint out;
  out.note.assign((*bytes)->begin(), (*bytes)->end());
  auto c = peek_checkpoint(out.note);
  if (!c) return core::wrap(key.str(), c.error());
  if (c->size != size)
    return core::fail(core::errc::corrupt, key.str() + " says size " + std::to_string(c->size));
  out.checkpoint = std::move(*c);
  return out;
}

core::expected<std::optional<stored_checkpoint>> newest_checkpoint(const store::store_backend& backend) {
  auto sizes = list_checkpoint_sizes(backend);
  if (!sizes) return std::unexpected(sizes.error());
  if (sizes->empty()) return std::optional<stored_checkpoint>{};
  auto c = read_checkpoint(backend, sizes->back());
  if (!c) return std::unexpected(c.error());
  return std::optional<stored_checkpoint>(std::move(*c));
}

core::expected<std::vector<core::byte_buffer>> read_log_entries(const store::store_backend& backend,
                                                               std::uint64_t size) {
  std::vector<core::byte_buffer> out;
  store_tile_source tiles(backend);
  for (std::uint64_t n = 0; n * tlog::tile_full_width < size; ++n) {
    const auto width = static_cast<std::uint32_t>(std::min<std::uint64_t>(tlog::tile_full_width,
                                                                          size - n * tlog::tile_full_width));
    const tlog::tile bundle{tlog::entries_level, n, width};
    auto bytes = tiles.read_tile(bundle);
    if (!bytes) return std::unexpected(bytes.error());
    auto entries = tlog::decode_entry_bundle(*bytes, width);
    if (!entries) return core::wrap(tile_key(bundle).str(), entries.error());
    for (auto& e : *entries) out.push_back(std::move(e));
  }
  return out;
}

core::expected<tlog::proof> prove_log_consistency(const store::store_backend& backend, const tlog::checkpoint& to,
                                                  std::uint64_t old_size) {
  if (old_size == 0 || old_size == to.size) return tlog::proof{};
  if (old_size > to.size)
    return core::fail(core::errc::invalid_argument, "prove store log consistency from size " +
                                                        std::to_string(old_size) + " to the smaller size " +
                                                        std::to_string(to.size));
  store_tile_source tiles(backend);
  tlog::tile_hash_reader reader(to.size, tiles, to.root);
  return tlog::prove_consistency(to.size, old_size, reader);
}

core::expected<store_leaf> leaf_for_stored(const store::store_backend& backend, const store::store_key& key) {
  if (key.parent() == store::store_key::objects_folder().str())
    if (auto digest = store::parse_object_name(key.leaf())) return store_leaf{key.str(), *digest};
  auto bytes = read_log_file(backend, key, store::max_entry_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  if (!*bytes) return core::fail(core::errc::not_found, "log " + key.str() + " in " + backend.describe() + ": missing");
  return store_leaf{key.str(), crypto::sha256(**bytes)};
}

core::expected<std::vector<store::store_key>> list_loggable_keys(const store::store_backend& backend) {
  std::vector<store::store_key> out;
  std::function<core::status(const store::store_key&)> walk = [&](const store::store_key& folder) -> core::status {
    std::vector<store::list_entry> children;
    auto listed = backend.list(folder, [&](const store::list_entry& e) {
      children.push_back(e);
      return true;
    });
    if (!listed) return listed;
    for (const auto& child : children) {
      auto key = store::store_key::parse(folder.str() + "/" + child.name);
      if (!key) continue;  // never listed by a conforming backend
      if (child.is_folder) {
        if (auto ok = walk(*key); !ok) return ok;
      } else {
        out.push_back(std::move(*key));
      }
    }
    return {};
  };
  for (const auto kind : loggable_kinds) {
    auto folder = store::store_key::parse(kind);
    if (!folder) return std::unexpected(folder.error());
    if (auto ok = walk(*folder); !ok) return std::unexpected(ok.error());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace bodycam::common::store_log
