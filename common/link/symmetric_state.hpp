// Noise SymmetricState (revision 34, §5.2) with HASH = SHA-256: the chaining key ck, the handshake hash h and
// the handshake's cipher state. Only the functions the link's patterns need are here (no MixKeyAndHash: no
// pre-shared keys).
// Invariants:
//  1. h = HASH(h || data) for every MixHash, in the order the spec gives; h is public, ck is secret (guarded).
//  2. Every ciphertext the handshake sends or receives is hashed into h (EncryptAndHash/DecryptAndHash), so
//     both sides end with the same h only if they saw the same bytes.
//  3. After Split the state has handed out its keys; the handshake state drops it.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/cipher_state.hpp"
#include "common/link/hkdf.hpp"
#include "common/link/secret_bytes.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace bodycam::common::link {

using handshake_hash = std::array<std::uint8_t, sha256_size>;

// Split(): c1 encrypts initiator → responder, c2 responder → initiator.
struct cipher_pair {
  cipher_state c1;
  cipher_state c2;
};

class symmetric_state {
 public:
  // InitializeSymmetric(protocol_name).
  [[nodiscard]] static common::core::expected<symmetric_state> create(std::string_view protocol_name);

  // MixKey(ikm): ck, temp_k = HKDF(ck, ikm, 2); InitializeKey(temp_k).
  [[nodiscard]] common::core::status mix_key(common::core::byte_view input_key_material);
  // MixHash(data): h = HASH(h || data).
  void mix_hash(common::core::byte_view data) noexcept;
  [[nodiscard]] common::core::expected<common::core::byte_buffer> encrypt_and_hash(common::core::byte_view plaintext);
  [[nodiscard]] common::core::expected<common::core::byte_buffer> decrypt_and_hash(common::core::byte_view ciphertext);
  [[nodiscard]] common::core::expected<cipher_pair> split();

  [[nodiscard]] bool has_key() const noexcept { return cipher_.has_key(); }
  [[nodiscard]] const link::handshake_hash& handshake_hash() const noexcept { return h_; }

 private:
  symmetric_state(secret_bytes ck, cipher_state cipher) noexcept : ck_(std::move(ck)), cipher_(std::move(cipher)) {}

  secret_bytes ck_;
  link::handshake_hash h_{};
  cipher_state cipher_;
};

}  // namespace bodycam::common::link
