#include "common/link/x25519_keypair.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <string>

namespace bodycam::common::link {

namespace core = common::core;

static_assert(dh_size == crypto_scalarmult_BYTES);
static_assert(dh_size == crypto_scalarmult_SCALARBYTES);

core::expected<x25519_keypair> x25519_keypair::from_guarded(secret_bytes secret) {
  common::crypto::ensure_sodium_initialized();
  x25519_public_key pub{};
  if (crypto_scalarmult_base(pub.data(), secret.data()) != 0)
    return core::fail(core::errc::invalid_argument, "x25519 secret key: derives no public key");
  return x25519_keypair(std::move(secret), pub);
}

core::expected<x25519_keypair> x25519_keypair::generate(random_source& random) {
  auto secret = secret_bytes::allocate(dh_size);
  if (!secret) return std::unexpected(secret.error());
  random.fill(secret->span());
  return from_guarded(std::move(*secret));
}

core::expected<x25519_keypair> x25519_keypair::from_secret(core::byte_view secret) {
  if (secret.size() != dh_size)
    return core::fail(core::errc::invalid_argument,
                      "x25519 secret key: expected 32 bytes, got " + std::to_string(secret.size()));
  auto guarded = secret_bytes::copy_of(secret);
  if (!guarded) return std::unexpected(guarded.error());
  return from_guarded(std::move(*guarded));
}

core::expected<secret_bytes> x25519_dh(const x25519_keypair& own, const x25519_public_key& peer) {
  auto shared = secret_bytes::allocate(dh_size);
  if (!shared) return std::unexpected(shared.error());
  // crypto_scalarmult returns -1 when the result is all zeros (invariant 2).
  if (crypto_scalarmult(shared->data(), own.secret().data(), peer.data()) != 0)
    return core::fail(core::errc::malformed, "x25519: the peer's public key is a low-order point");
  return shared;
}

}  // namespace bodycam::common::link
