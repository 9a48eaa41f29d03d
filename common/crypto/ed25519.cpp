#include "common/crypto/ed25519.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace bodycam::common::crypto {

static_assert(public_key::size == crypto_sign_PUBLICKEYBYTES);
static_assert(signature::size == crypto_sign_BYTES);
static_assert(secret_key::seed_size == crypto_sign_SEEDBYTES);

std::string public_key::to_hex() const { return core::to_hex(bytes); }

core::expected<public_key> public_key::parse(std::string_view hex) {
  auto raw = core::parse_hex(hex, size, "ed25519 public key");
  if (!raw) return std::unexpected(raw.error());
  public_key out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

sha256_digest public_key::fingerprint() const noexcept { return sha256(core::byte_view(bytes)); }

std::string signature::to_hex() const { return core::to_hex(bytes); }

bool verify_signature(const public_key& key, core::byte_view message, const signature& sig) noexcept {
  ensure_sodium_initialized();
  return crypto_sign_verify_detached(sig.bytes.data(), message.data(), message.size(), key.bytes.data()) == 0;
}

bool equal_constant_time(core::byte_view a, core::byte_view b) noexcept {
  if (a.size() != b.size()) return false;
  ensure_sodium_initialized();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
unsigned char* allocate_guarded() {
  ensure_sodium_initialized();
  return static_cast<unsigned char*>(sodium_malloc(crypto_sign_SECRETKEYBYTES));
}
}  // namespace

core::expected<secret_key> secret_key::generate() {
  unsigned char* guarded = allocate_guarded();
  if (guarded == nullptr) return core::fail(core::errc::internal, "allocate guarded memory for a secret key");
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_keypair(pk.data(), guarded);
  return secret_key(guarded);
}

core::expected<secret_key> secret_key::from_seed(core::byte_view seed) {
  if (seed.size() != seed_size)
    return core::fail(core::errc::invalid_argument,
                      "ed25519 seed: expected 32 bytes, got " + std::to_string(seed.size()));
  unsigned char* guarded = allocate_guarded();
  if (guarded == nullptr) return core::fail(core::errc::internal, "allocate guarded memory for a secret key");
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_seed_keypair(pk.data(), guarded, seed.data());
  return secret_key(guarded);
}

secret_key::secret_key(secret_key&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}

secret_key& secret_key::operator=(secret_key&& other) noexcept {
  if (this != &other) {
    if (bytes_ != nullptr) sodium_free(bytes_);
    bytes_ = std::exchange(other.bytes_, nullptr);
  }
  return *this;
}

secret_key::~secret_key() {
  if (bytes_ != nullptr) sodium_free(bytes_);  // sodium_free zeroes before releasing
}

public_key secret_key::public_key() const noexcept {
  crypto::public_key out;
  crypto_sign_ed25519_sk_to_pk(out.bytes.data(), bytes_);
  return out;
}

signature secret_key::sign(core::byte_view message) const noexcept {
  signature out;
  crypto_sign_detached(out.bytes.data(), nullptr, message.data(), message.size(), bytes_);
  return out;
}

core::byte_view secret_key::seed() const noexcept { return core::byte_view(bytes_, seed_size); }

core::byte_view secret_key::sodium_form() const noexcept {
  return core::byte_view(bytes_, crypto_sign_SECRETKEYBYTES);
}

}  // namespace bodycam::common::crypto
