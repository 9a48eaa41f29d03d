#include "common/crypto/random_fill.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <array>
#include <memory>

namespace bodycam::common::crypto {

random_fill system_random() {
  return [](std::span<std::uint8_t> out) {
    ensure_sodium_initialized();
    randombytes_buf(out.data(), out.size());
  };
}

random_fill deterministic_random_for_tests(std::uint64_t seed) {
  struct state {
    std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
    std::uint64_t counter = 0;
  };
  auto s = std::make_shared<state>();
  for (int i = 0; i < 8; ++i) s->seed[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(seed >> (56 - 8 * i));
  return [s](std::span<std::uint8_t> out) {
    ensure_sodium_initialized();
    std::array<std::uint8_t, randombytes_SEEDBYTES> block_seed = s->seed;
    for (int i = 0; i < 8; ++i)
      block_seed[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(s->counter >> (56 - 8 * i));
    ++s->counter;
    randombytes_buf_deterministic(out.data(), out.size(), block_seed.data());
  };
}

}  // namespace bodycam::common::crypto
