// HMAC-SHA256 (RFC 2104, libsodium's crypto_auth_hmacsha256) and HKDF-SHA256 (RFC 5869), and the Noise
// HKDF built from them (Noise revision 34, §4.3).
// Noise's HKDF(chaining_key, input_key_material, n) is RFC 5869 with salt = chaining_key, empty info and
// L = n × 32: output1 = T(1) = HMAC(PRK, 0x01), output2 = T(2) = HMAC(PRK, output1 || 0x02), ... . The link
// computes it exactly that way, so the RFC 5869 vectors test the very code the handshake runs.
// Invariant: every intermediate secret (PRK, T(i), HMAC state) is wiped before return.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace bodycam::common::link {

inline constexpr std::size_t sha256_size = 32;

// HMAC-SHA256(key, data[0] || data[1] || ...), any key length; writes 32 bytes to `out`.
void hmac_sha256(common::core::byte_view key, std::initializer_list<common::core::byte_view> data,
                 std::span<std::uint8_t, sha256_size> out) noexcept;

// RFC 5869 §2.2: PRK = HMAC(salt, IKM). An empty salt means 32 zero bytes (HMAC pads keys with zeros,
// so both give the same PRK).
void hkdf_sha256_extract(common::core::byte_view salt, common::core::byte_view input_key_material,
                         std::span<std::uint8_t, sha256_size> prk) noexcept;

// RFC 5869 §2.3: fills `okm` (at most 255 × 32 bytes) from PRK and info.
[[nodiscard]] common::core::status hkdf_sha256_expand(common::core::byte_view prk, common::core::byte_view info,
                                                      std::span<std::uint8_t> okm);

// Noise HKDF with num_outputs = okm.size() / 32 (2 or 3): okm = output1 || output2 [|| output3].
[[nodiscard]] common::core::status noise_hkdf(common::core::byte_view chaining_key,
                                              common::core::byte_view input_key_material, std::span<std::uint8_t> okm);

}  // namespace bodycam::common::link
