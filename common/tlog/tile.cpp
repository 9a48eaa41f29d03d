#include "common/tlog/tile.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace bodycam::common::tlog {

namespace {

std::string index_path(std::uint64_t n) {
  char group[8];
  std::snprintf(group, sizeof group, "%03u", static_cast<unsigned>(n % 1000));
  std::string out = group;
  while (n >= 1000) {
    n /= 1000;
    std::snprintf(group, sizeof group, "x%03u/", static_cast<unsigned>(n % 1000));
    out = group + out;
  }
  return out;
}

core::expected<std::uint64_t> parse_decimal(std::string_view text, std::string_view path) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    return core::fail(core::errc::malformed, "parse tile path " + std::string(path) + ": bad number");
  }
  return v;
}

}  // namespace

std::string tile_path(const tile& t) {
  std::string out = t.is_entries() ? "tile/entries/" : "tile/" + std::to_string(t.level) + "/";
  out += index_path(t.index);
  if (!t.is_full()) out += ".p/" + std::to_string(t.width);
  return out;
}

core::expected<tile> parse_tile_path(std::string_view path) {
  const auto bad = [&](std::string_view why) {
    return core::fail(core::errc::malformed, "parse tile path " + std::string(path) + ": " + std::string(why));
  };
  if (!path.starts_with("tile/")) return bad("does not start with tile/");
  std::string_view rest = path.substr(5);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("no index");
  tile t;
  const std::string_view level = rest.substr(0, slash);
  if (level == "entries") {
    t.level = entries_level;
  } else {
    auto l = parse_decimal(level, path);
    if (!l || *l > static_cast<std::uint64_t>(max_tile_level)) return bad("level is not 0..63");
    t.level = static_cast<int>(*l);
  }
  rest = rest.substr(slash + 1);
  if (const auto p = rest.find(".p/"); p != std::string_view::npos) {
    auto w = parse_decimal(rest.substr(p + 3), path);
    if (!w || *w == 0 || *w >= tile_full_width) return bad("partial width is not 1..255");
    t.width = static_cast<std::uint32_t>(*w);
    rest = rest.substr(0, p);
  }
  std::uint64_t n = 0;
  while (!rest.empty()) {
    const auto next = rest.find('/');
    std::string_view group = rest.substr(0, next);
    if (next != std::string_view::npos) {
      if (!group.starts_with('x')) return bad("index group without x prefix");
      group.remove_prefix(1);
    }
    if (group.size() != 3) return bad("index group is not 3 digits");
    auto g = parse_decimal(group, path);
    if (!g) return std::unexpected(g.error());
    if (n > (UINT64_MAX - *g) / 1000) return bad("index too large");
    n = n * 1000 + *g;
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
  }
  t.index = n;
  if (tile_path(t) != path) return bad("not in canonical form");
  return t;
}

tile_position tile_for_stored_index(std::uint64_t index) noexcept {
  auto [level, n] = split_stored_hash_index(index);
  tile_position out;
  out.where.level = level / tile_height;
  const int in_tile = level - out.where.level * tile_height;
  out.where.index = (n << in_tile) >> tile_height;
  n -= (out.where.index << tile_height) >> in_tile;
  out.where.width = static_cast<std::uint32_t>((n + 1) << in_tile);
  out.begin = static_cast<std::size_t>(n << in_tile) * hash_size;
  out.end = static_cast<std::size_t>((n + 1) << in_tile) * hash_size;
  return out;
}

hash tile_root(core::byte_view data) {
  if (data.size() == hash_size) {
    hash h;
    std::copy(data.begin(), data.end(), h.bytes.begin());
    return h;
  }
  const std::size_t count = data.size() / hash_size;
  const auto k = static_cast<std::size_t>(split_point(count));
  return node_hash(tile_root(data.first(k * hash_size)), tile_root(data.subspan(k * hash_size)));
}

core::expected<hash> hash_from_tile(const tile& t, core::byte_view data, std::uint64_t index) {
  const std::string what = "read stored hash " + std::to_string(index) + " from " + tile_path(t);
  if (data.size() != std::size_t{t.width} * hash_size) {
    return core::fail(core::errc::corrupt, what + ": tile holds " + std::to_string(data.size()) + " bytes, not " +
                                               std::to_string(std::size_t{t.width} * hash_size));
  }
  const auto pos = tile_for_stored_index(index);
  if (pos.where.level != t.level || pos.where.index != t.index || pos.where.width > t.width) {
    return core::fail(core::errc::invalid_argument, what + ": the hash is in " + tile_path(pos.where));
  }
  return tile_root(data.subspan(pos.begin, pos.end - pos.begin));
}

std::uint32_t tile_width_at(int level, std::uint64_t index, std::uint64_t tree_size) noexcept {
  const int shift = tile_height * (level < 0 ? 0 : level);
  const std::uint64_t count = shift >= 64 ? 0 : tree_size >> shift;
  const std::uint64_t start = index * tile_full_width;
  if (count <= start) return 0;
  return count - start >= tile_full_width ? tile_full_width : static_cast<std::uint32_t>(count - start);
}

std::vector<tile> tiles_for_size(std::uint64_t tree_size) {
  std::vector<tile> out;
  for (int level = 0; tile_height * level < 64 && (tree_size >> (tile_height * level)) > 0; ++level) {
    const std::uint64_t count = tree_size >> (tile_height * level);
    for (std::uint64_t n = 0; n * tile_full_width < count; ++n) out.push_back({level, n, tile_width_at(level, n, tree_size)});
  }
  return out;
}

std::vector<tile> right_edge_tiles(std::uint64_t tree_size) {
  std::vector<tile> out;
  for (int level = 0; tile_height * level < 64 && (tree_size >> (tile_height * level)) > 0; ++level) {
    const std::uint64_t count = tree_size >> (tile_height * level);
    if (count % tile_full_width != 0) out.push_back({level, count / tile_full_width, tile_width_at(level, count / tile_full_width, tree_size)});
  }
  if (tree_size % tile_full_width != 0) {
    out.push_back({entries_level, tree_size / tile_full_width, static_cast<std::uint32_t>(tree_size % tile_full_width)});
  }
  return out;
}

core::status memory_tile_store::write(const std::string& path, core::byte_buffer data) {
  const auto [it, inserted] = files_.try_emplace(path, std::move(data));
  if (!inserted && it->second != data) {
    return core::fail(core::errc::conflict, "write tile " + path + ": exists with different bytes");
  }
  return {};
}

core::expected<core::byte_buffer> memory_tile_store::read_tile(const tile& t) {
  const auto path = tile_path(t);
  const auto it = files_.find(path);
  if (it == files_.end()) return core::fail(core::errc::not_found, "read tile " + path + ": no such tile");
  return it->second;
}

core::expected<core::byte_buffer> tile_hash_reader::read_checked(const tile& t) {
  auto data = tiles_.read_tile(t);
  if (!data) return std::unexpected(data.error());
  if (data->size() != std::size_t{t.width} * hash_size) {
    return core::fail(core::errc::corrupt, "read tile " + tile_path(t) + ": " + std::to_string(data->size()) +
                                               " bytes, expected " + std::to_string(std::size_t{t.width} * hash_size));
  }
  return data;
}

core::status tile_hash_reader::authenticate_edge() {
  memory_tile_store edge;
  for (const auto& t : right_edge_tiles(tree_size_)) {
    if (t.is_entries()) continue;
    auto data = read_checked(t);
    if (!data) return std::unexpected(data.error());
    if (auto w = edge.write(tile_path(t), *data); !w) return std::unexpected(w.error());
    cache_.emplace(t, std::move(*data));
  }
  tile_hash_reader plain(tree_size_, edge);
  auto computed = tree_hash(tree_size_, plain);
  if (!computed) return std::unexpected(computed.error());
  if (*computed != *root_) {
    cache_.clear();
    return core::fail(core::errc::corrupt, "authenticate tiles of tree size " + std::to_string(tree_size_) +
                                               ": the right-edge tiles lead to " + computed->to_hex() + ", not the root " +
                                               root_->to_hex());
  }
  edge_authenticated_ = true;
  return {};
}

core::expected<const core::byte_buffer*> tile_hash_reader::load(const tile& t) {
  if (root_ && !edge_authenticated_) {
    if (auto ok = authenticate_edge(); !ok) return std::unexpected(ok.error());
  }
  if (const auto it = cache_.find(t); it != cache_.end()) return &it->second;
  auto data = read_checked(t);
  if (!data) return std::unexpected(data.error());
  if (root_) {
    // Not in the authenticated edge, so full: its root is entry t.index % 256 of the tile above.
    const tile parent{t.level + 1, t.index / tile_full_width, tile_width_at(t.level + 1, t.index / tile_full_width, tree_size_)};
    auto above = load(parent);
    if (!above) return std::unexpected(above.error());
    const auto offset = static_cast<std::size_t>(t.index % tile_full_width) * hash_size;
    const hash computed = tile_root(*data);
    if (!std::equal(computed.bytes.begin(), computed.bytes.end(), (*above)->begin() + static_cast<std::ptrdiff_t>(offset))) {
      return core::fail(core::errc::corrupt, "authenticate tile " + tile_path(t) + ": does not match its hash in " +
                                                 tile_path(parent));
    }
  }
  return &cache_.emplace(t, std::move(*data)).first->second;
}

core::expected<std::vector<hash>> tile_hash_reader::read_hashes(std::span<const std::uint64_t> indexes) {
  std::vector<hash> out;
  out.reserve(indexes.size());
  for (const auto index : indexes) {
    auto pos = tile_for_stored_index(index);
    const std::uint32_t have = tile_width_at(pos.where.level, pos.where.index, tree_size_);
    if (have < pos.where.width) {
      return core::fail(core::errc::not_found, "read stored hash " + std::to_string(index) +
                                                   ": not in the tree of size " + std::to_string(tree_size_));
    }
    pos.where.width = have;
    auto data = load(pos.where);
    if (!data) return std::unexpected(data.error());
    auto h = hash_from_tile(pos.where, **data, index);
    if (!h) return std::unexpected(h.error());
    out.push_back(*h);
  }
  return out;
}

}  // namespace bodycam::common::tlog
