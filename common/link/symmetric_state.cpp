#include "common/link/symmetric_state.hpp"

#include "common/crypto/sha256.hpp"

#include <algorithm>

namespace bodycam::common::link {

namespace core = common::core;

core::expected<symmetric_state> symmetric_state::create(std::string_view protocol_name) {
  auto ck = secret_bytes::allocate(sha256_size);
  if (!ck) return std::unexpected(ck.error());
  auto cipher = cipher_state::create();
  if (!cipher) return std::unexpected(cipher.error());
  symmetric_state state(std::move(*ck), std::move(*cipher));
  // h = protocol_name padded with zeros to HASHLEN if it fits, HASH(protocol_name) otherwise; ck = h.
  if (protocol_name.size() <= sha256_size) {
    std::copy(protocol_name.begin(), protocol_name.end(), state.h_.begin());
  } else {
    state.h_ = common::crypto::sha256(protocol_name).bytes;
  }
  std::copy(state.h_.begin(), state.h_.end(), state.ck_.data());
  return state;
}

core::status symmetric_state::mix_key(core::byte_view input_key_material) {
  auto okm = secret_bytes::allocate(2 * sha256_size);
  if (!okm) return std::unexpected(okm.error());
  if (auto derived = noise_hkdf(ck_.view(), input_key_material, okm->span()); !derived)
    return std::unexpected(derived.error());
  std::copy_n(okm->data(), sha256_size, ck_.data());
  cipher_.initialize_key(std::span<const std::uint8_t, cipher_key_size>(okm->data() + sha256_size, cipher_key_size));
  return {};
}

void symmetric_state::mix_hash(core::byte_view data) noexcept {
  common::crypto::sha256_hasher hasher;
  hasher.update(core::byte_view(h_));
  hasher.update(data);
  h_ = hasher.finish().bytes;
}

core::expected<core::byte_buffer> symmetric_state::encrypt_and_hash(core::byte_view plaintext) {
  auto ciphertext = cipher_.encrypt_with_ad(h_, plaintext);
  if (!ciphertext) return std::unexpected(ciphertext.error());
  mix_hash(*ciphertext);
  return ciphertext;
}

core::expected<core::byte_buffer> symmetric_state::decrypt_and_hash(core::byte_view ciphertext) {
  auto plaintext = cipher_.decrypt_with_ad(h_, ciphertext);
  if (!plaintext) return std::unexpected(plaintext.error());
  mix_hash(ciphertext);
  return plaintext;
}

core::expected<cipher_pair> symmetric_state::split() {
  auto okm = secret_bytes::allocate(2 * sha256_size);
  if (!okm) return std::unexpected(okm.error());
  if (auto derived = noise_hkdf(ck_.view(), {}, okm->span()); !derived) return std::unexpected(derived.error());
  auto c1 = cipher_state::create();
  if (!c1) return std::unexpected(c1.error());
  auto c2 = cipher_state::create();
  if (!c2) return std::unexpected(c2.error());
  c1->initialize_key(std::span<const std::uint8_t, cipher_key_size>(okm->data(), cipher_key_size));
  c2->initialize_key(std::span<const std::uint8_t, cipher_key_size>(okm->data() + sha256_size, cipher_key_size));
  ck_.wipe();  // invariant 3
  return cipher_pair{std::move(*c1), std::move(*c2)};
}

}  // namespace bodycam::common::link
