// The agency footage key: an X25519 key pair (crypto_box) to which every footage file's key is sealed.
// Cameras hold only the public key, so a camera cannot read back what it recorded; the secret stays with the
// agency, passphrase-protected (footage_key_file.hpp). The key id — the first 8 bytes of SHA-256 of the
// 32-byte public key — is written beside every envelope, so after a rotation old footage names the old key.
// Guarantees: the secret lives only in guarded memory; the public key is always the one derived from it.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/guarded_bytes.hpp"
#include "common/crypto/random_fill.hpp"

#include <array>
#include <compare>
#include <string>

namespace bodycam::common::crypto {

struct footage_key_id {
  static constexpr std::size_t size = 8;
  std::array<std::uint8_t, size> bytes{};

  [[nodiscard]] std::string to_hex() const;
  [[nodiscard]] static core::expected<footage_key_id> parse(std::string_view hex);
  friend auto operator<=>(const footage_key_id&, const footage_key_id&) = default;
};

struct footage_public_key {
  static constexpr std::size_t size = 32;
  std::array<std::uint8_t, size> bytes{};

  [[nodiscard]] std::string to_hex() const;
  [[nodiscard]] static core::expected<footage_public_key> parse(std::string_view hex);
  [[nodiscard]] footage_key_id key_id() const noexcept;
  friend auto operator<=>(const footage_public_key&, const footage_public_key&) = default;
};

class footage_secret_key {
 public:
  static constexpr std::size_t size = 32;

  // crypto_box_keypair with the randomness drawn from `random`: 32 random secret bytes, public = X25519 base
  // point multiplication.
  [[nodiscard]] static core::expected<footage_secret_key> generate(const random_fill& random);
  [[nodiscard]] static core::expected<footage_secret_key> from_bytes(core::byte_view secret);

  [[nodiscard]] const footage_public_key& public_key() const noexcept { return public_; }
  [[nodiscard]] footage_key_id key_id() const noexcept { return public_.key_id(); }
  // The 32 secret bytes; valid while *this lives.
  [[nodiscard]] core::byte_view secret() const noexcept { return secret_.view(); }

 private:
  footage_secret_key(guarded_bytes secret, footage_public_key pub) noexcept
      : secret_(std::move(secret)), public_(pub) {}
  guarded_bytes secret_;
  footage_public_key public_;
};

}  // namespace bodycam::common::crypto
