// A device's or dock's identity on the link: its long-term Ed25519 key (the same key that signs records or
// receipts) and the X25519 key Noise uses, converted from it with libsodium's
// crypto_sign_ed25519_{sk,pk}_to_curve25519. One key pair per device, so enrolling a camera's Ed25519 public
// key is all a dock needs to recognise it on the link.
// Invariants:
//  1. The X25519 secret is derived once and kept only in guarded memory; the Ed25519 secret is not kept.
//  2. noise_key().public_key() == noise_key_of(public_key()) (checked when the identity is made).
#pragma once

#include "common/core/error.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/link/x25519_keypair.hpp"

namespace bodycam::common::link {

// The X25519 public key of an Ed25519 public key; malformed if the key is not a valid curve point or has
// small order. Two Ed25519 keys that differ only in the sign bit map to one X25519 key: the link therefore
// also carries the Ed25519 key itself (link_handshake.hpp).
[[nodiscard]] common::core::expected<x25519_public_key> noise_key_of(const common::crypto::public_key& ed25519);

class link_identity {
 public:
  [[nodiscard]] static common::core::expected<link_identity> from_secret_key(const common::crypto::secret_key& key);

  [[nodiscard]] const common::crypto::public_key& public_key() const noexcept { return ed25519_; }
  [[nodiscard]] const x25519_keypair& noise_key() const noexcept { return noise_; }

 private:
  link_identity(const common::crypto::public_key& ed25519, x25519_keypair noise) noexcept
      : ed25519_(ed25519), noise_(std::move(noise)) {}

  common::crypto::public_key ed25519_;
  x25519_keypair noise_;
};

}  // namespace bodycam::common::link
