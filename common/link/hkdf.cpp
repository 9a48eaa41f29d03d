#include "common/link/hkdf.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string>

namespace bodycam::common::link {

namespace core = common::core;

static_assert(sha256_size == crypto_auth_hmacsha256_BYTES);

void hmac_sha256(core::byte_view key, std::initializer_list<core::byte_view> data,
                 std::span<std::uint8_t, sha256_size> out) noexcept {
  common::crypto::ensure_sodium_initialized();
  crypto_auth_hmacsha256_state state;
  // The streaming form accepts any key length (the one-shot form wants exactly 32 bytes). Its key pointer is
  // declared nonnull, so an empty key (RFC 5869 without salt) points at a dummy byte, length 0.
  static constexpr std::uint8_t no_key = 0;
  crypto_auth_hmacsha256_init(&state, key.empty() ? &no_key : key.data(), key.size());
  for (const auto part : data) crypto_auth_hmacsha256_update(&state, part.data(), part.size());
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
}

void hkdf_sha256_extract(core::byte_view salt, core::byte_view input_key_material,
                         std::span<std::uint8_t, sha256_size> prk) noexcept {
  hmac_sha256(salt, {input_key_material}, prk);
}

core::status hkdf_sha256_expand(core::byte_view prk, core::byte_view info, std::span<std::uint8_t> okm) {
  if (okm.size() > 255 * sha256_size)
    return core::fail(core::errc::invalid_argument,
                      "hkdf expand: " + std::to_string(okm.size()) + " bytes requested, at most 8160 allowed");
  std::array<std::uint8_t, sha256_size> block{};  // T(i)
  std::size_t written = 0;
  for (std::uint8_t counter = 1; written < okm.size(); ++counter) {
    const core::byte_view previous = counter == 1 ? core::byte_view{} : core::byte_view(block);
    hmac_sha256(prk, {previous, info, core::byte_view(&counter, 1)}, block);
    const std::size_t take = std::min(block.size(), okm.size() - written);
    std::copy_n(block.begin(), take, okm.begin() + static_cast<std::ptrdiff_t>(written));
    written += take;
  }
  sodium_memzero(block.data(), block.size());
  return {};
}

core::status noise_hkdf(core::byte_view chaining_key, core::byte_view input_key_material, std::span<std::uint8_t> okm) {
  if (okm.size() != 2 * sha256_size && okm.size() != 3 * sha256_size)
    return core::fail(core::errc::invalid_argument,
                      "noise hkdf: " + std::to_string(okm.size()) + " output bytes, expected 64 or 96");
  std::array<std::uint8_t, sha256_size> prk{};  // Noise's temp_key
  hkdf_sha256_extract(chaining_key, input_key_material, prk);
  auto expanded = hkdf_sha256_expand(prk, {}, okm);
  sodium_memzero(prk.data(), prk.size());
  return expanded;
}

}  // namespace bodycam::common::link
