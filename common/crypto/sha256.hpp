// SHA-256: the digest type used wherever a hash leaves the device, and a streaming hasher (init/update/final)
// so files are hashed as they are written, never read back. The compression function is OpenSSL's libcrypto,
// which uses the CPU's SHA instructions (SHA-NI on x86-64, the ARMv8 crypto extension) where present: 1.6 GB/s
// here against 173 MB/s for libsodium's portable code, and every byte of footage is hashed on the camera, at
// the dock (twice) and by every audit (docs/performance.md).
#pragma once

#include "common/core/bytes.hpp"

#include <openssl/sha.h>
#include <sodium.h>

#include <array>
#include <compare>
#include <string>
#include <string_view>

namespace bodycam::common::crypto {

struct sha256_digest {
  static constexpr std::size_t size = 32;
  std::array<std::uint8_t, size> bytes{};

  [[nodiscard]] std::string to_hex() const;
  [[nodiscard]] static core::expected<sha256_digest> parse(std::string_view hex);
  [[nodiscard]] bool is_zero() const noexcept;
  [[nodiscard]] core::byte_view view() const noexcept { return bytes; }
  friend auto operator<=>(const sha256_digest&, const sha256_digest&) = default;
};

class sha256_hasher {
 public:
  sha256_hasher() noexcept;
  void update(core::byte_view bytes) noexcept;
  void update(std::string_view text) noexcept;
  // Ends the stream; the hasher is reset and may be reused.
  [[nodiscard]] sha256_digest finish() noexcept;

 private:
  SHA256_CTX state_{};
};

[[nodiscard]] sha256_digest sha256(core::byte_view bytes) noexcept;
[[nodiscard]] sha256_digest sha256(std::string_view text) noexcept;

}  // namespace bodycam::common::crypto
