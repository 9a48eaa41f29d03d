// One-time passwords for the console's second factor: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1,
// a 30 s step and 6 digits, as authenticator apps and Debian's `oathtool --totp` make them; and the base32
// text (RFC 4648, no padding) people type or scan the secret as. Pure: no clock, no I/O.
// Guarantees:
//  T1. hotp_code and totp_code give the RFC test vectors (tests/console/totp_test.cpp).
//  T2. verify_totp accepts the code of the step of `now` and of one step either side (clock skew), compares in
//      constant time, and refuses anything that is not exactly `digits` decimal digits.
#pragma once

#include "common/core/bytes.hpp"
#include "common/record/payloads.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bodycam::console::access {

namespace core = bodycam::common::core;

inline constexpr std::chrono::seconds totp_step{30};
inline constexpr unsigned totp_digits = 6;

// The code for `counter`, zero-padded to `digits` (6-8).
[[nodiscard]] std::string hotp_code(core::byte_view key, std::uint64_t counter, unsigned digits = totp_digits);
// The code of the step that holds `t` (counter = t / step since the Unix epoch).
[[nodiscard]] std::string totp_code(core::byte_view key, common::record::utc_time t, unsigned digits = totp_digits);
[[nodiscard]] bool verify_totp(core::byte_view key, std::string_view code, common::record::utc_time now,
                               unsigned digits = totp_digits);
// As verify_totp, and which step (counter) the code belongs to, so that a used code can be refused again.
[[nodiscard]] std::optional<std::uint64_t> match_totp(core::byte_view key, std::string_view code,
                                                      common::record::utc_time now, unsigned digits = totp_digits);

// RFC 4648 base32, upper case, no padding; decoding accepts lower case, spaces and '=' padding.
[[nodiscard]] std::string base32_encode(core::byte_view bytes);
[[nodiscard]] std::optional<core::byte_buffer> base32_decode(std::string_view text);

}  // namespace bodycam::console::access
