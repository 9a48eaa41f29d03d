// The store log's CPU work over a large log held as tiles in memory: building the tiles (what the store's log
// writer does per batch), then proving and verifying inclusion and consistency (what the store does for every
// `bodycam verify`, audit and witness request).
//   bench_tlog [leaves] [proofs]     default 1000000 leaves, 10000 proofs of each kind
// Prints one line per measurement: name, count, seconds, per second. Exits 1 if any proof fails to verify.
#include "common/tlog/proof.hpp"
#include "common/tlog/tile_builder.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace bodycam::common;
using clock_type = std::chrono::steady_clock;

namespace {

void report(const char* name, std::size_t n, clock_type::duration d) {
  const double seconds = std::chrono::duration<double>(d).count();
  std::printf("%-34s %9zu %8.3f s %12.0f /s\n", name, n, seconds, static_cast<double>(n) / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t leaves = argc > 1 ? static_cast<std::size_t>(std::strtoul(argv[1], nullptr, 10)) : 1'000'000;
  const std::size_t proofs = argc > 2 ? static_cast<std::size_t>(std::strtoul(argv[2], nullptr, 10)) : 10'000;
  if (leaves < 2) {
    std::fprintf(stderr, "bench_tlog: need at least 2 leaves\n");
    return 2;
  }

  tlog::memory_tile_store tiles;
  tlog::tree_edge edge;
  const auto t0 = clock_type::now();
  constexpr std::size_t batch_size = 4096;
  for (std::size_t done = 0; done < leaves;) {
    std::vector<core::byte_buffer> batch;
    for (; batch.size() < batch_size && done < leaves; ++done) {
      const std::string e = "store object " + std::to_string(done);
      batch.emplace_back(e.begin(), e.end());
    }
    auto built = tlog::build_tiles(edge, batch);
    if (!built) {
      std::fprintf(stderr, "bench_tlog: %s\n", built.error().context.c_str());
      return 1;
    }
    for (auto& w : built->writes) {
      if (auto ok = tiles.write(w.path, std::move(w.data)); !ok) {
        std::fprintf(stderr, "bench_tlog: %s\n", ok.error().context.c_str());
        return 1;
      }
    }
    edge = std::move(built->edge);
  }
  report("build tiles (leaves)", leaves, clock_type::now() - t0);
  const auto n = static_cast<std::uint64_t>(leaves);

  std::mt19937_64 rng(1);
  tlog::tile_hash_reader reader(n, tiles);
  const auto root = tlog::tree_hash(n, reader).value();

  std::vector<std::pair<std::uint64_t, tlog::proof>> inclusion;
  const auto t1 = clock_type::now();
  for (std::size_t i = 0; i < proofs; ++i) {
    const std::uint64_t index = rng() % n;
    // One reader per request (no tile cached across proofs), authenticating every tile against the root.
    tlog::tile_hash_reader fresh(n, tiles, root);
    inclusion.emplace_back(index, tlog::prove_inclusion(n, index, fresh).value());
  }
  report("prove inclusion", proofs, clock_type::now() - t1);

  const auto t2 = clock_type::now();
  for (const auto& [index, p] : inclusion) {
    const std::string e = "store object " + std::to_string(index);
    if (!tlog::verify_inclusion(p, n, root, index, tlog::leaf_hash(e))) {
      std::fprintf(stderr, "bench_tlog: inclusion proof of %llu does not verify\n", static_cast<unsigned long long>(index));
      return 1;
    }
  }
  report("verify inclusion", proofs, clock_type::now() - t2);

  std::vector<std::pair<std::uint64_t, tlog::proof>> consistency;
  const auto t3 = clock_type::now();
  for (std::size_t i = 0; i < proofs; ++i) {
    const std::uint64_t old_size = 1 + rng() % (n - 1);
    tlog::tile_hash_reader fresh(n, tiles, root);
    consistency.emplace_back(old_size, tlog::prove_consistency(n, old_size, fresh).value());
  }
  report("prove consistency", proofs, clock_type::now() - t3);

  // Stored hashes never change, so the tiles of size n hold every hash an older tree's root is made of.
  std::vector<tlog::hash> old_roots;
  for (const auto& c : consistency) old_roots.push_back(tlog::tree_hash(c.first, reader).value());
  const auto t4 = clock_type::now();
  std::size_t verified = 0;
  for (std::size_t i = 0; i < consistency.size(); ++i) {
    if (!tlog::verify_consistency(consistency[i].second, consistency[i].first, old_roots[i], n, root)) {
      std::fprintf(stderr, "bench_tlog: consistency proof from %llu does not verify\n",
                   static_cast<unsigned long long>(consistency[i].first));
      return 1;
    }
    ++verified;
  }
  report("verify consistency", verified, clock_type::now() - t4);
  std::printf("tiles in memory: %zu\n", tiles.files().size());
  return 0;
}
