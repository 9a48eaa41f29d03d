// The console's stateless session: who is logged in, with which roles, until when, and the person's own
// signing seed (so every access entry is signed by the person, not by the server), sealed with the agency's
// cookie key (libsodium XChaCha20-Poly1305 IETF, a random 24-byte nonce per cookie). Every console that
// holds the same cookie key accepts the same cookies, so several consoles behave as one. And the CSRF token
// of a session: a keyed BLAKE2b hash of the cookie's nonce. Pure apart from the random nonce.
// Cookie value: base64url (no padding) of nonce(24) || ciphertext; plaintext layout (big endian):
//   u8 version=1 | u8 roles | i64 expires (ms since the Unix epoch) | u16 length + person id | 32-byte seed
// Additional data: "bodycam-console-cookie-v1".
// Guarantees:
//  C1. open_session_cookie returns claims only for a cookie sealed under `key`: an altered byte, a cookie of
//      another key, a truncated or non-base64 value are all errc::permission with no partial result.
//  C2. A cookie whose expiry is at or before `now` is refused (errc::permission, "expired").
//  C3. The seed is held only in guarded memory (crypto::secret_key) once opened; the plaintext buffer is
//      wiped after use.
//  C4. csrf_matches compares in constant time; a token of another session's nonce or another key never matches.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"
#include "tools/enrollment/sealed_key.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace bodycam::console::access {

namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;
using common::record::utc_time;

inline constexpr std::size_t cookie_key_size = 32;
inline constexpr std::size_t cookie_nonce_size = 24;
inline constexpr std::string_view session_cookie_name = "bodycam_session";

// The agency's cookie key (32 bytes) in guarded memory.
using cookie_key = tools::enrollment::secret_bytes;
[[nodiscard]] core::expected<cookie_key> make_cookie_key(core::byte_view bytes);

struct session_claims {
  std::string person;
  std::uint8_t roles = 0;  // enrollment::role bits
  utc_time expires{};
  crypto::secret_key key;
};

struct opened_cookie {
  session_claims claims;
  std::array<std::uint8_t, cookie_nonce_size> nonce{};
};

[[nodiscard]] core::expected<std::string> seal_session_cookie(const session_claims& claims, const cookie_key& key);
[[nodiscard]] core::expected<opened_cookie> open_session_cookie(std::string_view value, const cookie_key& key,
                                                                utc_time now);

// 64 hex digits: BLAKE2b-256 of the nonce keyed with the cookie key under its own domain.
[[nodiscard]] std::string csrf_token(const cookie_key& key, const std::array<std::uint8_t, cookie_nonce_size>& nonce);
[[nodiscard]] bool csrf_matches(const cookie_key& key, const std::array<std::uint8_t, cookie_nonce_size>& nonce,
                                std::string_view token);

}  // namespace bodycam::console::access
