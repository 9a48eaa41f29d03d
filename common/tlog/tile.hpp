// C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the store log kept as tiles of height 8. A hash tile at level L
// holds up to 256 consecutive hashes of subtrees of 2^(8L) leaves; an entry bundle (level `entries_level`) holds up
// to 256 consecutive entries. Paths: "tile/<L>/<N>" and "tile/entries/<N>", N written as 3-digit groups with every
// group but the last prefixed by "x" (1234067 → x001/x234/067), and ".p/<W>" appended for a partial tile of width
// W (1..255). Guarantees: paths round-trip exactly (parse refuses any other spelling); a full tile never changes,
// and a partial tile of width W for a given N has one content, so every path is written once (create-only).
// Also the `tile_source` port and `tile_hash_reader`, which reads any stored hash (stored_hash.hpp) of a tree of
// a given size out of the tiles that tree has.
#pragma once

#include "common/tlog/stored_hash.hpp"

#include <map>
#include <optional>
#include <string>

namespace bodycam::common::tlog {

inline constexpr int tile_height = 8;
inline constexpr std::uint32_t tile_full_width = 256;
inline constexpr int entries_level = -1;
inline constexpr int max_tile_level = 63;

struct tile {
  int level = 0;            // entries_level for an entry bundle
  std::uint64_t index = 0;  // N: the tile's number within its level
  std::uint32_t width = tile_full_width;

  [[nodiscard]] bool is_full() const noexcept { return width == tile_full_width; }
  [[nodiscard]] bool is_entries() const noexcept { return level == entries_level; }
  friend auto operator<=>(const tile&, const tile&) = default;
};

[[nodiscard]] std::string tile_path(const tile& t);
[[nodiscard]] core::expected<tile> parse_tile_path(std::string_view path);

// The tile a stored hash lives in, with the smallest width that contains it, and the byte range [begin, end) of
// the tile's hashes that fold to it.
struct tile_position {
  tile where;
  std::size_t begin = 0;
  std::size_t end = 0;
};
[[nodiscard]] tile_position tile_for_stored_index(std::uint64_t index) noexcept;
// The hash at stored `index` out of the data of tile `t` (which must contain it).
[[nodiscard]] core::expected<hash> hash_from_tile(const tile& t, core::byte_view data, std::uint64_t index);
// Root of a tile's hashes (width a power of two or not: RFC 6962 split).
[[nodiscard]] hash tile_root(core::byte_view data);
// Width of tile (level, index) in a tree of `tree_size` leaves; 0 if the tree does not reach it.
[[nodiscard]] std::uint32_t tile_width_at(int level, std::uint64_t index, std::uint64_t tree_size) noexcept;
// Every hash tile a tree of `tree_size` leaves has in its final form: the full tiles of every level and the
// partial tile at the right edge of each level that has one. Entry bundles are the level-0 tiles' twins.
[[nodiscard]] std::vector<tile> tiles_for_size(std::uint64_t tree_size);
// The partial tiles (hash levels, then the entry bundle) at the right edge of a tree: what a writer reads back
// before appending.
[[nodiscard]] std::vector<tile> right_edge_tiles(std::uint64_t tree_size);

class tile_source {
 public:
  virtual ~tile_source() = default;
  [[nodiscard]] virtual core::expected<core::byte_buffer> read_tile(const tile& t) = 0;
};

// Tiles in a map by path: the test and benchmark backend.
class memory_tile_store final : public tile_source {
 public:
  // Create-only: writing an existing path with different bytes is a conflict; with the same bytes, a no-op.
  [[nodiscard]] core::status write(const std::string& path, core::byte_buffer data);
  [[nodiscard]] core::expected<core::byte_buffer> read_tile(const tile& t) override;
  [[nodiscard]] const std::map<std::string, core::byte_buffer>& files() const noexcept { return files_; }

 private:
  std::map<std::string, core::byte_buffer> files_;
};

// Stored hashes of the tree of `tree_size` leaves, read from its tiles (each tile read at most once per reader).
// Without `root` it trusts the tiles: a corrupted tile yields hashes that fail verification against the signed
// root, so a proof from it is refused by every verifier. With `root` (the checkpoint's) it authenticates every
// tile before use, as Go's TileHashReader does: the right-edge tiles must lead to `root`, and a full tile must
// hash to its entry in the tile above; a tile that does not is a corrupt error naming it. Since stored hashes
// never change, a reader for size n also serves the root and proofs of any older size.
class tile_hash_reader final : public hash_reader {
 public:
  tile_hash_reader(std::uint64_t tree_size, tile_source& tiles, std::optional<hash> root = std::nullopt) noexcept
      : tree_size_(tree_size), tiles_(tiles), root_(root) {}
  [[nodiscard]] core::expected<std::vector<hash>> read_hashes(std::span<const std::uint64_t> indexes) override;

 private:
  [[nodiscard]] core::expected<const core::byte_buffer*> load(const tile& t);
  [[nodiscard]] core::expected<core::byte_buffer> read_checked(const tile& t);
  [[nodiscard]] core::status authenticate_edge();

  std::uint64_t tree_size_;
  tile_source& tiles_;
  std::optional<hash> root_;
  bool edge_authenticated_ = false;
  std::map<tile, core::byte_buffer> cache_;
};

}  // namespace bodycam::common::tlog
