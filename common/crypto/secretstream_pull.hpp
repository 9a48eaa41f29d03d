// crypto_secretstream_xchacha20poly1305 pull — byte for byte libsodium's construction (docs/formats/
// encrypted-footage.md §4, §7) — computed with libcrypto's ChaCha20 and Poly1305, which use the CPU's vector
// units far better than libsodium's portable code (docs/performance.md: decrypt-and-verify against SHA-256).
// libsodium still derives the state (init_pull) and rekeys; only the per-message work moves.
// Invariants:
//  1. pull() writes plaintext only after the MAC compared equal in constant time; on failure the state is
//     unchanged and nothing is written.
//  2. The state advances exactly as libsodium's: inonce ^= MAC[0..8), counter + 1, rekey on TAG_REKEY or when
//     the counter wraps.
//  3. The OpenSSL contexts are released (and cleansed by OpenSSL) with the object.
#pragma once

#include "common/core/bytes.hpp"

#include <sodium.h>

#include <memory>

struct evp_cipher_ctx_st;
struct evp_cipher_st;
struct evp_mac_ctx_st;

namespace bodycam::common::crypto {

class secretstream_puller {
 public:
  // `state` is an initialised libsodium pull state the caller owns (in guarded memory) and keeps alive.
  [[nodiscard]] static core::expected<secretstream_puller> create(crypto_secretstream_xchacha20poly1305_state* state);

  // Decrypts one message `in` (17 + mlen bytes) into `out` (mlen bytes); false if it does not authenticate.
  [[nodiscard]] bool pull(std::uint8_t* out, unsigned char& tag, core::byte_view in, core::byte_view ad);

 private:
  struct cipher_ctx_free {
    void operator()(evp_cipher_ctx_st* ctx) const noexcept;
  };
  struct cipher_free {
    void operator()(evp_cipher_st* cipher) const noexcept;
  };
  struct mac_ctx_free {
    void operator()(evp_mac_ctx_st* ctx) const noexcept;
  };
  secretstream_puller() = default;
  [[nodiscard]] bool chacha20(std::uint32_t counter, const std::uint8_t* in, std::uint8_t* out, std::size_t size);

  crypto_secretstream_xchacha20poly1305_state* state_ = nullptr;
  std::unique_ptr<evp_cipher_st, cipher_free> cipher_;
  std::unique_ptr<evp_cipher_ctx_st, cipher_ctx_free> cipher_ctx_;
  std::unique_ptr<evp_mac_ctx_st, mac_ctx_free> mac_ctx_;
};

}  // namespace bodycam::common::crypto
