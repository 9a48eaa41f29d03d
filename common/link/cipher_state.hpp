// Noise CipherState (revision 34, §5.1) with the ChaChaPoly cipher functions (§12.3): AEAD_CHACHA20_POLY1305
// of RFC 8439 via libsodium's crypto_aead_chacha20poly1305_ietf_*, the 96-bit nonce being 4 zero bytes
// followed by the 64-bit little-endian counter n.
// Invariants:
//  1. The key k lives in guarded memory (secret_bytes) and is wiped when the state is released.
//  2. n starts at 0 after initialize_key and grows by one per successful encrypt or decrypt; a failed decrypt
//     leaves n unchanged (spec §5.1), so the caller decides whether the channel is dead (the link says yes).
//  3. n = 2^64-1 is reserved: once n reaches it, every encrypt and decrypt fails (nonce exhaustion); a nonce is
//     never used twice with one key.
//  4. Without a key, encrypt/decrypt return their input unchanged (used only inside the handshake).
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/secret_bytes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace bodycam::common::link {

inline constexpr std::size_t cipher_key_size = 32;
inline constexpr std::size_t cipher_tag_size = 16;
inline constexpr std::size_t cipher_nonce_size = 12;
inline constexpr std::uint64_t reserved_nonce = std::numeric_limits<std::uint64_t>::max();

// The raw AEAD of RFC 8439 §2.8 with an explicit 12-byte nonce; the cipher state builds its nonce and calls
// these. Exposed so that the RFC's own vectors test the primitive.
[[nodiscard]] common::core::byte_buffer aead_chacha20poly1305_encrypt(common::core::byte_view key,
                                                                      std::span<const std::uint8_t, 12> nonce,
                                                                      common::core::byte_view ad,
                                                                      common::core::byte_view plaintext);
// Empty result (no value) when the tag does not verify or the ciphertext is shorter than the tag.
[[nodiscard]] common::core::expected<common::core::byte_buffer> aead_chacha20poly1305_decrypt(
    common::core::byte_view key, std::span<const std::uint8_t, 12> nonce, common::core::byte_view ad,
    common::core::byte_view ciphertext);

// The Noise nonce for counter n: 0x00000000 || little-endian u64 n.
[[nodiscard]] std::array<std::uint8_t, cipher_nonce_size> noise_nonce(std::uint64_t n) noexcept;

class cipher_state {
 public:
  // An empty cipher state (no key); its guarded key storage is allocated here, so later calls cannot fail
  // for want of memory.
  [[nodiscard]] static common::core::expected<cipher_state> create();

  // InitializeKey(key): sets k = key (32 bytes) and n = 0.
  void initialize_key(std::span<const std::uint8_t, cipher_key_size> key) noexcept;
  [[nodiscard]] bool has_key() const noexcept { return has_key_; }
  // SetNonce(nonce) (spec §5.1); the link uses it only in tests of invariant 3.
  void set_nonce(std::uint64_t n) noexcept { n_ = n; }
  [[nodiscard]] std::uint64_t nonce() const noexcept { return n_; }

  // EncryptWithAd(ad, plaintext). Fails only on nonce exhaustion (invariant 3).
  [[nodiscard]] common::core::expected<common::core::byte_buffer> encrypt_with_ad(common::core::byte_view ad,
                                                                                  common::core::byte_view plaintext);
  // DecryptWithAd(ad, ciphertext). Fails with bad_signature when the tag does not verify, malformed when the
  // ciphertext is shorter than a tag, conflict on nonce exhaustion.
  [[nodiscard]] common::core::expected<common::core::byte_buffer> decrypt_with_ad(common::core::byte_view ad,
                                                                                  common::core::byte_view ciphertext);

 private:
  explicit cipher_state(secret_bytes key) noexcept : k_(std::move(key)) {}

  secret_bytes k_;
  bool has_key_ = false;
  std::uint64_t n_ = 0;
};

}  // namespace bodycam::common::link
