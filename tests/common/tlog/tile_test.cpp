// C2SP tlog-tiles: paths against the spec's examples, entry bundles, the tile builder against the in-memory
// stored hashes, and proofs read from tiles.
#include "common/tlog/entry_bundle.hpp"
#include "common/tlog/proof.hpp"
#include "common/tlog/tile_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace tile_test {

using namespace bodycam::common;
using namespace bodycam::common::tlog;

namespace {

core::byte_buffer entry(std::size_t i) {
  const std::string s = "entry " + std::to_string(i);
  return {s.begin(), s.end()};
}

// Appends entries [from, to) in one batch to `store`, writing create-only; returns the batch.
tile_batch append(memory_tile_store& store, const tree_edge& edge, std::size_t from, std::size_t to) {
  std::vector<core::byte_buffer> entries;
  for (std::size_t i = from; i < to; ++i) entries.push_back(entry(i));
  auto batch = build_tiles(edge, entries);
  REQUIRE(batch);
  for (const auto& w : batch->writes) REQUIRE(store.write(w.path, w.data));
  return *batch;
}

}  // namespace

TEST_CASE("tile paths follow the C2SP examples and round-trip") {
  CHECK(tile_path({0, 1234067, 256}) == "tile/0/x001/x234/067");
  CHECK(tile_path({1, 1234067, 8}) == "tile/1/x001/x234/067.p/8");
  CHECK(tile_path({entries_level, 1234067, 256}) == "tile/entries/x001/x234/067");
  CHECK(tile_path({entries_level, 0, 5}) == "tile/entries/000.p/5");
  CHECK(tile_path({2, 0, 256}) == "tile/2/000");
  CHECK(tile_path({0, 1000, 256}) == "tile/0/x001/000");
  CHECK(tile_path({0, 999, 255}) == "tile/0/999.p/255");
  for (const auto& t : {tile{0, 1234067, 256}, tile{1, 1234067, 8}, tile{entries_level, 12, 1}, tile{63, 5, 200}}) {
    INFO(tile_path(t));
    CHECK(parse_tile_path(tile_path(t)).value() == t);
  }
}

TEST_CASE("malformed tile paths are refused") {
  for (const char* bad : {"tile/0/x001/x234/67", "tile/0/001/234/067", "tile/0/x001/x234/067.p/256",
                          "tile/0/x001/x234/067.p/0", "tile/0/x001/x234/067.p/08", "tile/64/000", "tile/-1/000",
                          "tile/data/000", "tile/0/", "tile/0/x000/001", "tiles/0/000", "tile/0/000/", "tile/00/000",
                          "tile/0/0001"}) {
    INFO(bad);
    const auto t = parse_tile_path(bad);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == core::errc::malformed);
    CHECK(t.error().context.find(bad) != std::string::npos);
  }
}

TEST_CASE("entry bundles: u16 length then bytes; truncated, padded or miscounted bundles are refused") {
  const std::vector<core::byte_buffer> entries{{}, {0x41}, core::byte_buffer(300, 0x7a)};
  const auto bundle = encode_entry_bundle(entries).value();
  CHECK(bundle.size() == 2 + 3 + 302);
  CHECK(bundle[0] == 0x00);
  CHECK(bundle[2] == 0x00);
  CHECK(bundle[3] == 0x01);
  CHECK(bundle[4] == 0x41);
  CHECK(bundle[5] == 0x01);
  CHECK(bundle[6] == 0x2c);
  CHECK(decode_entry_bundle(bundle, 3).value() == entries);
  CHECK_FALSE(decode_entry_bundle(bundle, 2));
  CHECK_FALSE(decode_entry_bundle(bundle, 4));
  auto truncated = bundle;
  truncated.pop_back();
  CHECK_FALSE(decode_entry_bundle(truncated, 3));
  auto padded = bundle;
  padded.push_back(0);
  CHECK_FALSE(decode_entry_bundle(padded, 3));
  CHECK_FALSE(encode_entry_bundle(std::vector<core::byte_buffer>{core::byte_buffer(65536, 0)}));
}

TEST_CASE("stored hashes map to tiles as Go's tileForIndex does") {
  const auto p = tile_for_stored_index(stored_hash_index(0, 0));
  CHECK(p.where == tile{0, 0, 1});
  CHECK(p.begin == 0);
  CHECK(p.end == 32);
  const auto q = tile_for_stored_index(stored_hash_index(8, 3));  // level 8 = level 1 of tiles, entry 3
  CHECK(q.where == tile{1, 0, 4});
  const auto r = tile_for_stored_index(stored_hash_index(3, 40));  // inside tile 1 of level 0, hashes 64..72
  CHECK(r.where == tile{0, 1, 72});
  CHECK(r.begin == 64 * 32);
  CHECK(r.end == 72 * 32);
}

TEST_CASE("tiles for a tree size: full tiles at every level and one partial tile at each right edge") {
  CHECK(tiles_for_size(0).empty());
  CHECK(tiles_for_size(5) == std::vector<tile>{{0, 0, 5}});
  CHECK(tiles_for_size(256) == std::vector<tile>{{0, 0, 256}, {1, 0, 1}});
  CHECK(tiles_for_size(70000).size() == 274 + 2 + 1);  // level 0: 273 full + 1 partial; level 1: 1 full + .p/17; level 2: .p/1
  CHECK(right_edge_tiles(256 * 256 + 3) == std::vector<tile>{{0, 256, 3}, {2, 0, 1}, {entries_level, 256, 3}});
}

TEST_CASE("the tile builder in batches of every shape equals the stored hashes, writes each path once, and proves") {
  // Batches chosen to cross tile boundaries at level 0 and 1: a partial grows, completes, and a new one starts.
  const std::vector<std::size_t> cuts{1, 2, 255, 256, 257, 700, 65535, 65536, 65537, 66000};
  memory_tile_store tiles;
  memory_hash_store reference;
  tree_edge edge;
  std::size_t done = 0;
  for (const auto cut : cuts) {
    const auto batch = append(tiles, edge, done, cut);
    for (std::size_t i = done; i < cut; ++i) REQUIRE(reference.append_leaf(leaf_hash(entry(i))));
    done = cut;
    INFO("tree size " << done);
    REQUIRE(batch.edge.tree_size == done);
    REQUIRE(batch.root == tree_hash(done, reference).value());
    for (const auto& t : tiles_for_size(done)) {
      auto data = tiles.read_tile(t);
      REQUIRE(data);
      // Every hash of the tile equals the reference store's hash at the same position.
      for (std::uint32_t i = 0; i < t.width; ++i) {
        const auto index = stored_hash_index(t.level * tile_height, t.index * tile_full_width + i);
        const auto want = reference.read_hashes(std::vector<std::uint64_t>{index}).value()[0];
        REQUIRE(std::equal(want.bytes.begin(), want.bytes.end(), data->begin() + i * 32));
      }
    }
    const auto bundle = tiles.read_tile({entries_level, (done - 1) / 256, static_cast<std::uint32_t>((done - 1) % 256 + 1)});
    REQUIRE(bundle);
    CHECK(decode_entry_bundle(*bundle, (done - 1) % 256 + 1).value().back() == entry(done - 1));
    // The edge read back from storage is the edge the builder returned.
    const auto read = read_tree_edge(done, tiles).value();
    REQUIRE(read.partial_tiles == batch.edge.partial_tiles);
    edge = read;
    tile_hash_reader from_tiles(done, tiles);
    REQUIRE(tree_hash(done, from_tiles).value() == batch.root);
    for (const std::uint64_t m : {std::uint64_t{0}, std::uint64_t{done / 2}, std::uint64_t{done - 1}}) {
      REQUIRE(verify_inclusion(prove_inclusion(done, m, from_tiles).value(), done, batch.root, m, leaf_hash(entry(m))));
    }
  }
  CHECK(done == 66000);
  CHECK(tiles.files().contains("tile/2/000.p/1"));
  CHECK(tiles.files().contains("tile/1/000"));
  CHECK(tiles.files().contains("tile/0/256"));
  CHECK(tiles.files().contains("tile/entries/257.p/208"));
}

TEST_CASE("the tile builder refuses an edge that is not the edge of its tree size") {
  memory_tile_store tiles;
  const auto first = append(tiles, tree_edge{}, 0, 300);
  auto wrong_size = first.edge;
  wrong_size.tree_size = 301;
  CHECK_FALSE(build_tiles(wrong_size, {}));
  auto short_tile = first.edge;
  short_tile.partial_tiles[0].second.pop_back();
  CHECK_FALSE(build_tiles(short_tile, std::vector<core::byte_buffer>{entry(300)}));
  auto missing = first.edge;
  missing.partial_tiles.pop_back();
  CHECK_FALSE(build_tiles(missing, {}));
  CHECK_FALSE(read_tree_edge(301, tiles));
}

TEST_CASE("tile_hash_reader refuses hashes beyond its tree and tiles of the wrong length") {
  memory_tile_store tiles;
  const auto batch = append(tiles, tree_edge{}, 0, 10);
  tile_hash_reader reader(10, tiles);
  CHECK_FALSE(reader.read_hashes(std::vector<std::uint64_t>{stored_hash_index(0, 10)}));
  memory_tile_store cut;
  auto data = tiles.files().at("tile/0/000.p/10");
  data.resize(9 * 32);
  REQUIRE(cut.write("tile/0/000.p/10", data));
  tile_hash_reader cut_reader(10, cut);
  const auto r = tree_hash(10, cut_reader);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::errc::corrupt);
  CHECK(batch.root != empty_tree_hash());
}

TEST_CASE("memory_tile_store is create-only: the same path with other bytes is a conflict") {
  memory_tile_store s;
  REQUIRE(s.write("tile/0/000.p/1", core::byte_buffer(32, 1)));
  CHECK(s.write("tile/0/000.p/1", core::byte_buffer(32, 1)));
  const auto again = s.write("tile/0/000.p/1", core::byte_buffer(32, 2));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == core::errc::conflict);
}

namespace {
// Fails the Nth read (1-based) and every read after it while `broken` is set.
class failing_tile_source final : public tile_source {
 public:
  failing_tile_source(tile_source& inner, std::size_t fail_at) : inner_(inner), fail_at_(fail_at) {}
  core::expected<core::byte_buffer> read_tile(const tile& t) override {
    if (++reads_ >= fail_at_) return core::fail(core::errc::io, "read tile " + tile_path(t) + ": injected failure");
    return inner_.read_tile(t);
  }
  std::size_t reads_ = 0;

 private:
  tile_source& inner_;
  std::size_t fail_at_;
};
}  // namespace

TEST_CASE("fail_nth_tile_read: a failed read gives an error naming the tile, never a proof", "[fault]") {
  memory_tile_store tiles;
  const auto batch = append(tiles, tree_edge{}, 0, 70000);
  std::size_t failures = 0;
  for (std::size_t n = 1;; ++n) {
    failing_tile_source source(tiles, n);
    tile_hash_reader reader(70000, source);
    const auto p = prove_inclusion(70000, 12345, reader);
    const auto c = p ? prove_consistency(70000, 4097, reader) : core::expected<proof>(std::unexpected(p.error()));
    if (p && c) {
      CHECK(verify_inclusion(*p, 70000, batch.root, 12345, leaf_hash(entry(12345))));
      tile_hash_reader all(70000, tiles);
      CHECK(verify_consistency(*c, 4097, tree_hash(4097, all).value(), 70000, batch.root));
      CHECK(source.reads_ == n - 1);
      break;
    }
    const auto& e = p ? c.error() : p.error();
    CHECK(e.code == core::errc::io);
    CHECK(e.context.find("injected failure") != std::string::npos);
    CHECK(e.context.find("tile/") != std::string::npos);
    ++failures;
    REQUIRE(n < 100);
  }
  CHECK(failures >= 3);  // the proofs read tiles at levels 0, 1 and 2
}

TEST_CASE("flip_bit_in_stored_tile: a trusting reader's proofs are refused, an authenticating reader names the tile") {
  memory_tile_store tiles;
  const auto batch = append(tiles, tree_edge{}, 0, 1000);
  memory_tile_store corrupted;
  for (auto [path, data] : tiles.files()) {
    if (path == "tile/0/001") data[5 * 32 + 7] ^= 0x10;  // leaf hash of entry 261
    REQUIRE(corrupted.write(path, data));
  }
  tile_hash_reader good(1000, tiles);
  tile_hash_reader trusting(1000, corrupted);
  // The root comes from tile/1/000.p/3, which holds tile/0/001's hash: the corruption is not on its path.
  CHECK(tree_hash(1000, trusting).value() == batch.root);
  CHECK_FALSE(verify_inclusion(prove_inclusion(1000, 260, trusting).value(), 1000, batch.root, 260, leaf_hash(entry(260))));
  CHECK_FALSE(verify_inclusion(prove_inclusion(1000, 300, trusting).value(), 1000, batch.root, 300, leaf_hash(entry(300))));
  CHECK_FALSE(verify_consistency(prove_consistency(1000, 300, trusting).value(), 300, tree_hash(300, good).value(), 1000,
                                 batch.root));

  tile_hash_reader authenticating(1000, corrupted, batch.root);
  const auto refused = prove_inclusion(1000, 260, authenticating);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == core::errc::corrupt);
  CHECK(refused.error().context.find("tile/0/001: does not match its hash in tile/1/000.p/3") != std::string::npos);
  // Tiles off the corrupted one's path still serve proofs.
  const auto p700 = prove_inclusion(1000, 700, authenticating);
  REQUIRE(p700);
  CHECK(verify_inclusion(*p700, 1000, batch.root, 700, leaf_hash(entry(700))));
}

TEST_CASE("authenticating tile reader: right-edge tiles must lead to the checkpoint's root") {
  memory_tile_store tiles;
  const auto batch = append(tiles, tree_edge{}, 0, 1000);
  tile_hash_reader wrong_root(1000, tiles, leaf_hash("not the root"));
  const auto r = tree_hash(1000, wrong_root);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::errc::corrupt);
  CHECK(r.error().context.find("right-edge tiles") != std::string::npos);

  memory_tile_store edge_flipped;
  for (auto [path, data] : tiles.files()) {
    if (path == "tile/0/003.p/232") data[0] ^= 1;
    REQUIRE(edge_flipped.write(path, data));
  }
  REQUIRE(edge_flipped.files().contains("tile/0/003.p/232"));
  tile_hash_reader flipped(1000, edge_flipped, batch.root);
  CHECK_FALSE(prove_inclusion(1000, 5, flipped));

  tile_hash_reader ok(1000, tiles, batch.root);
  for (const std::uint64_t m : std::vector<std::uint64_t>{0, 255, 256, 767, 999}) {
    REQUIRE(verify_inclusion(prove_inclusion(1000, m, ok).value(), 1000, batch.root, m, leaf_hash(entry(m))));
  }
  // An older tree's root from the same authenticated reader.
  std::vector<hash> first_300;
  for (std::size_t i = 0; i < 300; ++i) first_300.push_back(leaf_hash(entry(i)));
  CHECK(tree_hash(300, ok).value() == tree_hash_of_leaf_hashes(first_300));
}

TEST_CASE("the tile builder with random batch sizes: same files and roots as one single batch") {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::printf("tlog tile_test random seed %u\n", seed);
  std::mt19937 rng(seed);
  constexpr std::size_t total = 3000;
  memory_tile_store one;
  const auto single = append(one, tree_edge{}, 0, total);
  memory_tile_store many;
  tree_edge edge;
  std::size_t batches = 0;
  while (edge.tree_size < total) {
    const std::size_t next = std::min(total, static_cast<std::size_t>(edge.tree_size) + 1 + rng() % 600);
    edge = append(many, edge, static_cast<std::size_t>(edge.tree_size), next).edge;
    ++batches;
  }
  CHECK(batches >= 5);
  // Every file of the single batch is in the batched store with the same bytes; the batched store has more
  // (the intermediate partial tiles), each of which is a prefix of the final tile of its number.
  for (const auto& [path, data] : one.files()) {
    INFO(path);
    REQUIRE(many.files().contains(path));
    CHECK(many.files().at(path) == data);
  }
  for (const auto& [path, data] : many.files()) {
    const auto t = parse_tile_path(path).value();
    if (t.is_entries()) continue;
    const auto final_width = tile_width_at(t.level, t.index, total);
    const auto& final_data = one.files().at(tile_path({t.level, t.index, final_width}));
    CHECK(std::equal(data.begin(), data.end(), final_data.begin()));
  }
  tile_hash_reader reader(total, many, single.root);
  CHECK(tree_hash(total, reader).value() == single.root);
}

}  // namespace tile_test
