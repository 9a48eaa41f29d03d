#include "common/crypto/sha256.hpp"

#include "common/core/hex.hpp"

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

// OpenSSL 3 marks the SHA256_* functions deprecated in favour of EVP, whose context must be allocated (and
// can fail); these remain supported through 3.x and keep the hasher a value type that cannot fail.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

sha256_hasher::sha256_hasher() noexcept { SHA256_Init(&state_); }

void sha256_hasher::update(core::byte_view bytes) noexcept { SHA256_Update(&state_, bytes.data(), bytes.size()); }

void sha256_hasher::update(std::string_view text) noexcept { SHA256_Update(&state_, text.data(), text.size()); }

sha256_digest sha256_hasher::finish() noexcept {
  sha256_digest out;
  SHA256_Final(out.bytes.data(), &state_);
  SHA256_Init(&state_);
  return out;
}

#pragma GCC diagnostic pop

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
