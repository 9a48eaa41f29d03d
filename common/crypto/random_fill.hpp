// The one way footage encryption obtains randomness (file keys, the secretstream header, the ephemeral keys of
// sealed envelopes, key pairs). Production passes system_random() (libsodium's randombytes_buf, getrandom(2)
// on Linux); tests pass a deterministic generator so the golden vector of docs/formats/encrypted-footage.md
// is reproducible byte for byte. Nothing else in the format is random.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace bodycam::common::crypto {

// Fills its argument completely; never fails (a system without randomness stops at libsodium initialisation).
using random_fill = std::function<void(std::span<std::uint8_t>)>;

[[nodiscard]] random_fill system_random();

// A reproducible generator for tests only: fill number n (from 0) is randombytes_buf_deterministic (ChaCha20)
// under the 32-byte seed `seed` (u64 big-endian) ‖ n (u64 big-endian) ‖ 16 zero bytes.
[[nodiscard]] random_fill deterministic_random_for_tests(std::uint64_t seed);

}  // namespace bodycam::common::crypto
