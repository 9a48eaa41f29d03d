// Throughput of encrypted footage (docs/formats/encrypted-footage.md) against plain SHA-256 of the same bytes:
// encrypt (what the camera does per fragment, with both digests), decrypt-and-verify (what a court copy costs:
// every message authenticated, plus the plaintext SHA-256 compared with the record), and SHA-256 alone (what
// the dock and the store already do per byte). All in memory, one core: the CPU cost, not the disk.
// The goal is decrypt-and-verify at >= 0.9x the speed of SHA-256, so that reading encrypted footage costs
// no more than the hashing every reader does anyway.
//   bench_footage_crypto [MiB] [fragment KiB] [rounds]     defaults 256, 320, 3 (best round reported)
#include "common/crypto/footage_reader.hpp"
#include "common/crypto/footage_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace bodycam::common;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 256;
  const std::size_t fragment = (argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 320) * 1024;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const std::size_t total = mib << 20;
  core::byte_buffer plain(total);
  crypto::deterministic_random_for_tests(7)(plain);
  auto key = crypto::footage_secret_key::generate(crypto::system_random()).value();
  std::vector<crypto::footage_public_key> recipients{key.public_key()};

  double best_encrypt = 1e9, best_decrypt = 1e9, best_decrypt_hash = 1e9, best_sha = 1e9;
  core::byte_buffer file;
  for (int round = 0; round < rounds; ++round) {
    crypto::memory_sink sink;
    auto start = clock_type::now();
    auto writer = crypto::footage_writer::start(sink, recipients, crypto::system_random()).value();
    for (std::size_t at = 0; at < total; at += fragment)
      if (!writer.append_fragment(core::byte_view(plain).subspan(at, std::min(fragment, total - at)))) return 1;
    const auto digests = writer.finish().value();
    best_encrypt = std::min(best_encrypt, seconds_since(start));
    file = sink.bytes();

    for (const bool hash_plaintext : {false, true}) {
      start = clock_type::now();
      crypto::memory_source source(file);
      auto reader = crypto::footage_reader::open(source, std::span(&key, 1), "bench").value();
      crypto::sha256_hasher plain_hash;
      std::size_t fragments = 0;
      for (;;) {
        auto next = reader.next();
        if (!next) {
          std::fprintf(stderr, "bench: %s\n", next.error().message.c_str());
          return 1;
        }
        if (!*next) break;
        if (hash_plaintext) plain_hash.update(**next);
        ++fragments;
      }
      if (fragments != digests.fragment_count || !reader.is_complete()) return 1;
      if (hash_plaintext && plain_hash.finish() != digests.plaintext_sha256) return 1;
      double& best = hash_plaintext ? best_decrypt_hash : best_decrypt;
      best = std::min(best, seconds_since(start));
    }

    start = clock_type::now();
    const auto digest = crypto::sha256(core::byte_view(file));
    best_sha = std::min(best_sha, seconds_since(start));
    if (digest != digests.ciphertext_sha256) return 1;
  }
  const double mb = static_cast<double>(total) / 1e6;
  std::printf("%zu MiB in %zu KiB fragments, best of %d rounds, one core\n", mib, fragment / 1024, rounds);
  std::printf("%-50s %8.1f MB/s\n", "encrypt (secretstream + both SHA-256)", mb / best_encrypt);
  std::printf("%-50s %8.1f MB/s\n", "decrypt and verify (every message authenticated)", mb / best_decrypt);
  std::printf("%-50s %8.1f MB/s\n", "  + plaintext SHA-256 (court copy check)", mb / best_decrypt_hash);
  std::printf("%-50s %8.1f MB/s\n", "SHA-256 of the same bytes", mb / best_sha);
  std::printf("%-50s %8.2f x\n", "decrypt-and-verify / SHA-256", best_sha / best_decrypt);
  return 0;
}
