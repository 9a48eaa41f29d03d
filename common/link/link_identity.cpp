#include "common/link/link_identity.hpp"

#include "common/crypto/sodium_init.hpp"
#include "common/link/secret_bytes.hpp"

#include <sodium.h>

namespace bodycam::common::link {

namespace core = common::core;
namespace crypto = common::crypto;

core::expected<x25519_public_key> noise_key_of(const crypto::public_key& ed25519) {
  crypto::ensure_sodium_initialized();
  x25519_public_key out{};
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), ed25519.bytes.data()) != 0)
    return core::fail(core::errc::malformed, "ed25519 public key " + ed25519.fingerprint().to_hex() +
                                                 " (fingerprint) is not a valid curve point");
  return out;
}

core::expected<link_identity> link_identity::from_secret_key(const crypto::secret_key& key) {
  crypto::ensure_sodium_initialized();
  auto x_secret = secret_bytes::allocate(dh_size);
  if (!x_secret) return std::unexpected(x_secret.error());
  if (crypto_sign_ed25519_sk_to_curve25519(x_secret->data(), key.sodium_form().data()) != 0)
    return core::fail(core::errc::internal, "convert the ed25519 secret key to x25519");
  auto noise = x25519_keypair::from_secret(x_secret->view());
  if (!noise) return std::unexpected(noise.error());
  const crypto::public_key ed_public = key.public_key();
  auto expected_public = noise_key_of(ed_public);
  if (!expected_public) return std::unexpected(expected_public.error());
  if (!crypto::equal_constant_time(*expected_public, noise->public_key()))  // invariant 2
    return core::fail(core::errc::corrupt, "link identity " + ed_public.fingerprint().to_hex() +
                                               ": x25519 keys converted from the ed25519 pair disagree");
  return link_identity(ed_public, std::move(*noise));
}

}  // namespace bodycam::common::link
