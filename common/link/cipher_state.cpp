#include "common/link/cipher_state.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

namespace bodycam::common::link {

namespace core = common::core;

static_assert(cipher_key_size == crypto_aead_chacha20poly1305_ietf_KEYBYTES);
static_assert(cipher_tag_size == crypto_aead_chacha20poly1305_ietf_ABYTES);
static_assert(cipher_nonce_size == crypto_aead_chacha20poly1305_ietf_NPUBBYTES);

core::byte_buffer aead_chacha20poly1305_encrypt(core::byte_view key, std::span<const std::uint8_t, 12> nonce,
                                                core::byte_view ad, core::byte_view plaintext) {
  common::crypto::ensure_sodium_initialized();
  core::byte_buffer out(plaintext.size() + cipher_tag_size);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(), ad.data(),
                                            ad.size(), nullptr, nonce.data(), key.data());
  out.resize(static_cast<std::size_t>(written));
  return out;
}

core::expected<core::byte_buffer> aead_chacha20poly1305_decrypt(core::byte_view key,
                                                                std::span<const std::uint8_t, 12> nonce,
                                                                core::byte_view ad, core::byte_view ciphertext) {
  common::crypto::ensure_sodium_initialized();
  if (ciphertext.size() < cipher_tag_size)
    return core::fail(core::errc::malformed,
                      std::to_string(ciphertext.size()) + " bytes of ciphertext, shorter than the 16-byte tag");
  core::byte_buffer out(ciphertext.size() - cipher_tag_size);
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(), ciphertext.size(),
                                                ad.data(), ad.size(), nonce.data(), key.data()) != 0)
    return core::fail(core::errc::bad_signature, "authentication tag does not verify");
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::array<std::uint8_t, cipher_nonce_size> noise_nonce(std::uint64_t n) noexcept {
  std::array<std::uint8_t, cipher_nonce_size> nonce{};
  for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return nonce;
}

core::expected<cipher_state> cipher_state::create() {
  auto key = secret_bytes::allocate(cipher_key_size);
  if (!key) return std::unexpected(key.error());
  return cipher_state(std::move(*key));
}

void cipher_state::initialize_key(std::span<const std::uint8_t, cipher_key_size> key) noexcept {
  std::copy(key.begin(), key.end(), k_.data());
  has_key_ = true;
  n_ = 0;
}

core::expected<core::byte_buffer> cipher_state::encrypt_with_ad(core::byte_view ad, core::byte_view plaintext) {
  if (!has_key_) return core::byte_buffer(plaintext.begin(), plaintext.end());  // invariant 4
  if (n_ == reserved_nonce)                                                     // invariant 3
    return core::fail(core::errc::conflict, "encrypt: nonce exhausted (2^64-1 messages under one key)");
  const auto nonce = noise_nonce(n_);
  auto out = aead_chacha20poly1305_encrypt(k_.view(), nonce, ad, plaintext);
  ++n_;
  return out;
}

core::expected<core::byte_buffer> cipher_state::decrypt_with_ad(core::byte_view ad, core::byte_view ciphertext) {
  if (!has_key_) return core::byte_buffer(ciphertext.begin(), ciphertext.end());  // invariant 4
  if (n_ == reserved_nonce)                                                       // invariant 3
    return core::fail(core::errc::conflict, "decrypt: nonce exhausted (2^64-1 messages under one key)");
  const auto nonce = noise_nonce(n_);
  auto out = aead_chacha20poly1305_decrypt(k_.view(), nonce, ad, ciphertext);
  if (!out) return std::unexpected(out.error());  // invariant 2: n unchanged
  ++n_;
  return out;
}

}  // namespace bodycam::common::link
