// X25519 (Curve25519 Diffie-Hellman, RFC 7748) key pairs and the DH function of the Noise "25519" suite
// (revision 34, §12.1), on libsodium's crypto_scalarmult.
// Invariants:
//  1. The secret scalar lives in guarded memory; the public key is always the one derived from it.
//  2. dh() refuses an all-zero result (the peer sent a low-order point), so no handshake proceeds on a
//     shared secret an attacker can predict.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/random_source.hpp"
#include "common/link/secret_bytes.hpp"

#include <array>
#include <cstdint>

namespace bodycam::common::link {

inline constexpr std::size_t dh_size = 32;  // DHLEN
using x25519_public_key = std::array<std::uint8_t, dh_size>;

class x25519_keypair {
 public:
  // GENERATE_KEYPAIR(): 32 bytes from `random` as the secret (clamped by X25519 itself).
  [[nodiscard]] static common::core::expected<x25519_keypair> generate(random_source& random);
  // The key pair of a given 32-byte secret (test vectors, keys converted from Ed25519).
  [[nodiscard]] static common::core::expected<x25519_keypair> from_secret(common::core::byte_view secret);

  [[nodiscard]] common::core::expected<x25519_keypair> clone() const { return from_secret(secret_.view()); }
  [[nodiscard]] const x25519_public_key& public_key() const noexcept { return public_; }
  [[nodiscard]] common::core::byte_view secret() const noexcept { return secret_.view(); }

 private:
  [[nodiscard]] static common::core::expected<x25519_keypair> from_guarded(secret_bytes secret);
  x25519_keypair(secret_bytes secret, const x25519_public_key& pub) noexcept
      : secret_(std::move(secret)), public_(pub) {}

  secret_bytes secret_;
  x25519_public_key public_{};
};

// DH(key_pair, public_key): the 32-byte shared secret in guarded memory; malformed if it is all zeros.
[[nodiscard]] common::core::expected<secret_bytes> x25519_dh(const x25519_keypair& own, const x25519_public_key& peer);

}  // namespace bodycam::common::link
