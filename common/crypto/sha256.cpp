#include "common/crypto/sha256.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/sodium_init.hpp"

#include <algorithm>

namespace bodycam::common::crypto {

std::string sha256_digest::to_hex() const { return core::to_hex(bytes); }

core::expected<sha256_digest> sha256_digest::parse(std::string_view hex) {
  auto raw = core::parse_hex(hex, size, "sha256 digest");
  if (!raw) return std::unexpected(raw.error());
  sha256_digest out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

bool sha256_digest::is_zero() const noexcept {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

sha256_hasher::sha256_hasher() noexcept {
  ensure_sodium_initialized();
  crypto_hash_sha256_init(&state_);
}

void sha256_hasher::update(core::byte_view bytes) noexcept {
  crypto_hash_sha256_update(&state_, bytes.data(), bytes.size());
}

void sha256_hasher::update(std::string_view text) noexcept {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

sha256_digest sha256_hasher::finish() noexcept {
  sha256_digest out;
  crypto_hash_sha256_final(&state_, out.bytes.data());
  crypto_hash_sha256_init(&state_);
  return out;
}

sha256_digest sha256(core::byte_view bytes) noexcept {
  sha256_hasher h;
  h.update(bytes);
  return h.finish();
}

sha256_digest sha256(std::string_view text) noexcept {
  sha256_hasher h;
  h.update(text);
  return h.finish();
}

}  // namespace bodycam::common::crypto
