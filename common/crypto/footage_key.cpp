#include "common/crypto/footage_key.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/sha256.hpp"
#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>

namespace bodycam::common::crypto {

static_assert(footage_public_key::size == crypto_box_PUBLICKEYBYTES);
static_assert(footage_secret_key::size == crypto_box_SECRETKEYBYTES);
static_assert(crypto_scalarmult_BYTES == crypto_box_PUBLICKEYBYTES);

std::string footage_key_id::to_hex() const { return core::to_hex(bytes); }

core::expected<footage_key_id> footage_key_id::parse(std::string_view hex) {
  auto raw = core::parse_hex(hex, size, "footage key id");
  if (!raw) return std::unexpected(raw.error());
  footage_key_id out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

std::string footage_public_key::to_hex() const { return core::to_hex(bytes); }

core::expected<footage_public_key> footage_public_key::parse(std::string_view hex) {
  auto raw = core::parse_hex(hex, size, "footage public key");
  if (!raw) return std::unexpected(raw.error());
  footage_public_key out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

footage_key_id footage_public_key::key_id() const noexcept {
  const auto digest = sha256(core::byte_view(bytes));
  footage_key_id id;
  std::copy_n(digest.bytes.begin(), footage_key_id::size, id.bytes.begin());
  return id;
}

core::expected<footage_secret_key> footage_secret_key::generate(const random_fill& random) {
  auto secret = allocate_guarded(size, "a footage secret key");
  if (!secret) return std::unexpected(secret.error());
  random(secret->span());
  return from_bytes(secret->view());
}

core::expected<footage_secret_key> footage_secret_key::from_bytes(core::byte_view secret) {
  ensure_sodium_initialized();
  if (secret.size() != size)
    return core::fail(core::errc::invalid_argument,
                      "footage secret key: expected 32 bytes, got " + std::to_string(secret.size()));
  auto copy = allocate_guarded(size, "a footage secret key");
  if (!copy) return std::unexpected(copy.error());
  std::copy(secret.begin(), secret.end(), copy->data());
  footage_public_key pub;
  if (crypto_scalarmult_base(pub.bytes.data(), copy->data()) != 0)
    return core::fail(core::errc::invalid_argument, "footage secret key: X25519 public key derivation failed");
  return footage_secret_key(std::move(*copy), pub);
}

}  // namespace bodycam::common::crypto
