// The pure tile writer of the store log: from the tree's right edge (its partial tiles, read back from storage)
// and new entries, the tiles and entry bundles to write and the new root. No I/O: the caller writes the result
// create-only (each path once), then signs a checkpoint for `tree_size` and `root`.
// Invariants:
//  1. A full tile is emitted once, in the batch that completes it, and never again.
//  2. Each level whose right edge changed gets exactly one partial tile, of the new width, at a new path.
//  3. The edge given must be the edge of `tree_size` (widths and entry count checked); otherwise nothing is built.
//  4. root == RFC 6962 tree hash of all leaf hashes leaf_hash(entry_0) .. leaf_hash(entry_{n-1}).
#pragma once

#include "common/tlog/tile.hpp"

#include <vector>

namespace bodycam::common::tlog {

struct tile_write {
  tile where;
  std::string path;
  core::byte_buffer data;
};

// The partial tiles at the right edge of a tree, as right_edge_tiles(tree_size) lists them.
struct tree_edge {
  std::uint64_t tree_size = 0;
  std::vector<std::pair<tile, core::byte_buffer>> partial_tiles;
};

struct tile_batch {
  std::vector<tile_write> writes;
  tree_edge edge;  // the edge after the batch: give it to the next call
  hash root;
};

// Reads the edge of `tree_size` from `tiles` (the partial tiles right_edge_tiles names).
[[nodiscard]] core::expected<tree_edge> read_tree_edge(std::uint64_t tree_size, tile_source& tiles);
[[nodiscard]] core::expected<tile_batch> build_tiles(const tree_edge& edge, std::span<const core::byte_buffer> entries);

}  // namespace bodycam::common::tlog
