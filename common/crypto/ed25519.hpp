// Ed25519 (libsodium): public keys, signatures, verification, and the `signer` port.
// Signing sits behind `signer` so a secure element can replace the software key (DESIGN.md §3); the
// software implementation keeps its secret in sodium_malloc'ed, guarded memory that is wiped on release.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/sha256.hpp"

#include <array>
#include <compare>
#include <memory>
#include <string>

namespace bodycam::common::crypto {

struct public_key {
  static constexpr std::size_t size = 32;
  std::array<std::uint8_t, size> bytes{};

  [[nodiscard]] std::string to_hex() const;
  [[nodiscard]] static core::expected<public_key> parse(std::string_view hex);
  // SHA-256 of the 32 key bytes: what people compare when they check a key by eye or with sha256sum.
  [[nodiscard]] sha256_digest fingerprint() const noexcept;
  friend auto operator<=>(const public_key&, const public_key&) = default;
};

struct signature {
  static constexpr std::size_t size = 64;
  std::array<std::uint8_t, size> bytes{};

  [[nodiscard]] std::string to_hex() const;
  friend bool operator==(const signature&, const signature&) = default;
};

// True only if `sig` is a valid Ed25519 signature of `message` by `key`.
[[nodiscard]] bool verify_signature(const public_key& key, core::byte_view message, const signature& sig) noexcept;

// Constant-time equality for secrets and MACs.
[[nodiscard]] bool equal_constant_time(core::byte_view a, core::byte_view b) noexcept;

class signer {
 public:
  virtual ~signer() = default;
  [[nodiscard]] virtual crypto::public_key public_key() const = 0;
  [[nodiscard]] virtual core::expected<signature> sign(core::byte_view message) = 0;
};

// An Ed25519 secret key (libsodium's 64-byte seed||public form) in guarded memory.
class secret_key {
 public:
  static constexpr std::size_t seed_size = 32;

  [[nodiscard]] static core::expected<secret_key> generate();
  [[nodiscard]] static core::expected<secret_key> from_seed(core::byte_view seed);

  secret_key(secret_key&&) noexcept;
  secret_key& operator=(secret_key&&) noexcept;
  secret_key(const secret_key&) = delete;
  secret_key& operator=(const secret_key&) = delete;
  ~secret_key();

  [[nodiscard]] crypto::public_key public_key() const noexcept;
  [[nodiscard]] signature sign(core::byte_view message) const noexcept;
  // The 32-byte seed, for writing the key file; the view is valid while *this lives.
  [[nodiscard]] core::byte_view seed() const noexcept;
  // The 64-byte libsodium secret key (seed||public), e.g. for converting to X25519.
  [[nodiscard]] core::byte_view sodium_form() const noexcept;

 private:
  explicit secret_key(unsigned char* guarded) noexcept : bytes_(guarded) {}
  unsigned char* bytes_ = nullptr;  // crypto_sign_SECRETKEYBYTES in sodium_malloc memory
};

class software_signer final : public signer {
 public:
  explicit software_signer(secret_key key) noexcept : key_(std::move(key)) {}
  [[nodiscard]] crypto::public_key public_key() const override { return key_.public_key(); }
  [[nodiscard]] core::expected<signature> sign(core::byte_view message) override { return key_.sign(message); }

 private:
  secret_key key_;
};

}  // namespace bodycam::common::crypto
