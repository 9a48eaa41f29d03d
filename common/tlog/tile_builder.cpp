#include "common/tlog/tile_builder.hpp"

#include "common/tlog/entry_bundle.hpp"

#include <algorithm>
#include <set>

namespace bodycam::common::tlog {

namespace {

void append_hash(core::byte_buffer& data, const hash& h) { data.insert(data.end(), h.bytes.begin(), h.bytes.end()); }

// Edge state: per hash level the hashes of the partial tile, and the partial entry bundle's entries.
struct edge_state {
  std::uint64_t size = 0;
  std::vector<core::byte_buffer> levels;  // levels[L]: concatenated hashes of the partial tile at level L
  std::vector<core::byte_buffer> entries;
  std::set<int> changed;
  std::vector<tile_write> writes;

  void emit(const tile& t, core::byte_buffer data) { writes.push_back({t, tile_path(t), std::move(data)}); }

  // Adds a hash at `level`, the count of hashes at that level now being `count`.
  void add_hash(int level, const hash& h, std::uint64_t count) {
    if (levels.size() <= static_cast<std::size_t>(level)) levels.resize(static_cast<std::size_t>(level) + 1);
    auto& data = levels[static_cast<std::size_t>(level)];
    append_hash(data, h);
    changed.insert(level);
    if (count % tile_full_width != 0) return;
    const hash up = tile_root(data);
    emit({level, count / tile_full_width - 1, tile_full_width}, std::move(data));
    data.clear();
    add_hash(level + 1, up, count / tile_full_width);
  }
};

}  // namespace

core::expected<tree_edge> read_tree_edge(std::uint64_t tree_size, tile_source& tiles) {
  tree_edge edge{tree_size, {}};
  for (const auto& t : right_edge_tiles(tree_size)) {
    auto data = tiles.read_tile(t);
    if (!data) return core::wrap("read the right edge of tree size " + std::to_string(tree_size), data.error());
    edge.partial_tiles.emplace_back(t, std::move(*data));
  }
  return edge;
}

core::expected<tile_batch> build_tiles(const tree_edge& edge, std::span<const core::byte_buffer> entries) {
  const std::string what = "build tiles after tree size " + std::to_string(edge.tree_size);
  const auto expected_edge = right_edge_tiles(edge.tree_size);
  if (expected_edge.size() != edge.partial_tiles.size()) {
    return core::fail(core::errc::invalid_argument, what + ": the edge has " + std::to_string(edge.partial_tiles.size()) +
                                                        " tiles, expected " + std::to_string(expected_edge.size()));
  }
  edge_state s;
  s.size = edge.tree_size;
  for (std::size_t i = 0; i < expected_edge.size(); ++i) {
    const auto& [t, data] = edge.partial_tiles[i];
    if (t != expected_edge[i]) {
      return core::fail(core::errc::invalid_argument, what + ": edge tile " + tile_path(t) + " should be " +
                                                          tile_path(expected_edge[i]));
    }
    if (t.is_entries()) {
      auto decoded = decode_entry_bundle(data, t.width);
      if (!decoded) return core::wrap(what + ": " + tile_path(t), decoded.error());
      s.entries = std::move(*decoded);
      continue;
    }
    if (data.size() != std::size_t{t.width} * hash_size) {
      return core::fail(core::errc::corrupt, what + ": " + tile_path(t) + " has " + std::to_string(data.size()) + " bytes");
    }
    if (s.levels.size() <= static_cast<std::size_t>(t.level)) s.levels.resize(static_cast<std::size_t>(t.level) + 1);
    s.levels[static_cast<std::size_t>(t.level)] = data;
  }
  for (const auto& e : entries) {
    if (e.size() > max_entry_size) {
      return core::fail(core::errc::invalid_argument, what + ": entry " + std::to_string(s.size) + " has " +
                                                          std::to_string(e.size()) + " bytes, over 65535");
    }
    s.entries.push_back(e);
    ++s.size;
    s.add_hash(0, leaf_hash(e), s.size);
    if (s.size % tile_full_width == 0) {
      auto bundle = encode_entry_bundle(s.entries);
      if (!bundle) return std::unexpected(bundle.error());
      s.emit({entries_level, s.size / tile_full_width - 1, tile_full_width}, std::move(*bundle));
      s.entries.clear();
    }
  }
  for (const int level : s.changed) {
    const auto& data = s.levels[static_cast<std::size_t>(level)];
    if (data.empty()) continue;
    const auto count = s.size >> (tile_height * level);
    s.emit({level, count / tile_full_width, static_cast<std::uint32_t>(data.size() / hash_size)}, data);
  }
  if (!entries.empty() && !s.entries.empty()) {
    auto bundle = encode_entry_bundle(s.entries);
    if (!bundle) return std::unexpected(bundle.error());
    s.emit({entries_level, s.size / tile_full_width, static_cast<std::uint32_t>(s.entries.size())}, std::move(*bundle));
  }

  tile_batch out;
  out.edge.tree_size = s.size;
  memory_tile_store edge_tiles;
  for (const auto& t : right_edge_tiles(s.size)) {
    core::byte_buffer data;
    if (t.is_entries()) {
      auto bundle = encode_entry_bundle(s.entries);
      if (!bundle) return std::unexpected(bundle.error());
      data = std::move(*bundle);
    } else {
      data = s.levels[static_cast<std::size_t>(t.level)];
    }
    if (auto w = edge_tiles.write(tile_path(t), data); !w) return std::unexpected(w.error());
    out.edge.partial_tiles.emplace_back(t, std::move(data));
  }
  tile_hash_reader reader(s.size, edge_tiles);
  auto root = tree_hash(s.size, reader);
  if (!root) return core::wrap(what, root.error());
  out.root = *root;
  out.writes = std::move(s.writes);
  return out;
}

}  // namespace bodycam::common::tlog
