// Sealing and opening session cookies (C1-C4 in session_cookie.hpp) with libsodium.
#include "console/access/session_cookie.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/sodium_init.hpp"

#include <cstring>

#include <sodium.h>

namespace bodycam::console::access {

namespace {

constexpr std::string_view cookie_domain = "bodycam-console-cookie-v1";
constexpr std::string_view csrf_domain = "bodycam-console-csrf-v1";
constexpr std::size_t max_cookie_chars = 1024;

core::byte_view ad() {
  return core::byte_view(reinterpret_cast<const std::uint8_t*>(cookie_domain.data()), cookie_domain.size());
}

std::unexpected<core::error> refused(std::string_view why) {
  return core::fail(core::errc::permission, "open session cookie: " + std::string(why));
}

struct wiped_buffer {
  core::byte_buffer bytes;
  wiped_buffer() = default;
  wiped_buffer(const wiped_buffer&) = delete;
  wiped_buffer& operator=(const wiped_buffer&) = delete;
  ~wiped_buffer() {
    if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
  }
};

}  // namespace

core::expected<cookie_key> make_cookie_key(core::byte_view bytes) {
  if (bytes.size() != cookie_key_size)
    return core::fail(core::errc::malformed, "cookie key: must be exactly 32 bytes, found " +
                                                 std::to_string(bytes.size()));
  cookie_key key(cookie_key_size);
  if (!key.is_allocated()) return core::fail(core::errc::internal, "cookie key: sodium_malloc failed");
  std::memcpy(key.data(), bytes.data(), bytes.size());
  key.resize(bytes.size());
  return key;
}

core::expected<std::string> seal_session_cookie(const session_claims& claims, const cookie_key& key) {
  crypto::ensure_sodium_initialized();
  if (key.size() != cookie_key_size) return core::fail(core::errc::invalid_argument, "seal session cookie: no cookie key");
  if (claims.person.empty() || claims.person.size() > 64)
    return core::fail(core::errc::invalid_argument, "seal session cookie: person id must be 1-64 characters");
  wiped_buffer plain;
  const auto expires_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(claims.expires.time_since_epoch()).count();
  plain.bytes.reserve(1 + 1 + 8 + 2 + claims.person.size() + crypto::secret_key::seed_size);
  plain.bytes.push_back(1);
  plain.bytes.push_back(claims.roles);
  for (int shift = 56; shift >= 0; shift -= 8)
    plain.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(expires_ms) >> shift));
  plain.bytes.push_back(static_cast<std::uint8_t>(claims.person.size() >> 8));
  plain.bytes.push_back(static_cast<std::uint8_t>(claims.person.size()));
  plain.bytes.insert(plain.bytes.end(), claims.person.begin(), claims.person.end());
  const auto seed = claims.key.seed();
  plain.bytes.insert(plain.bytes.end(), seed.begin(), seed.end());
  core::byte_buffer sealed(cookie_nonce_size + plain.bytes.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(sealed.data(), cookie_nonce_size);
  unsigned long long sealed_length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + cookie_nonce_size, &sealed_length, plain.bytes.data(),
                                             plain.bytes.size(), ad().data(), ad().size(), nullptr, sealed.data(),
                                             key.view().data());
  std::string out(sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), sealed.data(), sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

core::expected<opened_cookie> open_session_cookie(std::string_view value, const cookie_key& key, utc_time now) {
  crypto::ensure_sodium_initialized();
  if (key.size() != cookie_key_size) return refused("no cookie key");
  if (value.empty() || value.size() > max_cookie_chars) return refused("absent or too long");
  core::byte_buffer sealed(value.size());
  std::size_t sealed_length = 0;
  if (sodium_base642bin(sealed.data(), sealed.size(), value.data(), value.size(), nullptr, &sealed_length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return refused("not base64url");
  sealed.resize(sealed_length);
  if (sealed.size() < cookie_nonce_size + crypto_aead_xchacha20poly1305_ietf_ABYTES) return refused("too short");
  wiped_buffer plain;
  plain.bytes.resize(sealed.size() - cookie_nonce_size - crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long plain_length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.bytes.data(), &plain_length, nullptr,
                                                 sealed.data() + cookie_nonce_size, sealed.size() - cookie_nonce_size,
                                                 ad().data(), ad().size(), sealed.data(), key.view().data()) != 0)
    return refused("does not authenticate (altered, or sealed with another key)");
  core::byte_reader r(plain.bytes);
  auto version = r.get_u8("version");
  auto roles = r.get_u8("roles");
  auto expires_ms = r.get_i64("expires");
  auto person = r.get_string16("person", 64);
  auto seed = r.get_raw(crypto::secret_key::seed_size, "seed");
  if (!version || *version != 1 || !roles || !expires_ms || !person || !seed || !r.at_end())
    return refused("malformed contents");
  const utc_time expires{std::chrono::milliseconds(*expires_ms)};
  if (expires <= now) return refused("expired");
  auto secret = crypto::secret_key::from_seed(*seed);
  if (!secret) return refused("bad seed");
  opened_cookie out{session_claims{std::move(*person), *roles, expires, std::move(*secret)}, {}};
  std::memcpy(out.nonce.data(), sealed.data(), cookie_nonce_size);
  return out;
}

std::string csrf_token(const cookie_key& key, const std::array<std::uint8_t, cookie_nonce_size>& nonce) {
  std::array<std::uint8_t, 32> mac{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.view().data(), key.size(), mac.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(csrf_domain.data()), csrf_domain.size());
  crypto_generichash_update(&state, nonce.data(), nonce.size());
  crypto_generichash_final(&state, mac.data(), mac.size());
  return core::to_hex(mac);
}

bool csrf_matches(const cookie_key& key, const std::array<std::uint8_t, cookie_nonce_size>& nonce,
                  std::string_view token) {
  const std::string expected = csrf_token(key, nonce);
  if (token.size() != expected.size()) return false;
  return crypto::equal_constant_time(
      core::byte_view(reinterpret_cast<const std::uint8_t*>(expected.data()), expected.size()),
      core::byte_view(reinterpret_cast<const std::uint8_t*>(token.data()), token.size()));
}

}  // namespace bodycam::console::access
