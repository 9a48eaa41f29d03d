// HOTP/TOTP over OpenSSL's one-shot HMAC (libcrypto, already linked for SHA-256) and base32 (RFC 4648).
#include "console/access/totp.hpp"

#include "common/crypto/ed25519.hpp"

#include <array>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace bodycam::console::access {

namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::uint32_t power_of_ten(unsigned digits) {
  std::uint32_t p = 1;
  for (unsigned i = 0; i < digits; ++i) p *= 10;
  return p;
}

}  // namespace

std::string hotp_code(core::byte_view key, std::uint64_t counter, unsigned digits) {
  if (digits < 6) digits = 6;
  if (digits > 8) digits = 8;
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(), mac.data(), &mac_length);
  const std::size_t offset = mac[19] & 0x0f;
  const std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7f) << 24 | std::uint32_t{mac[offset + 1]} << 16 |
                               std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
  std::string code = std::to_string(binary % power_of_ten(digits));
  return std::string(digits - code.size(), '0') + code;
}

std::string totp_code(core::byte_view key, common::record::utc_time t, unsigned digits) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
  const auto counter = seconds.count() < 0 ? 0 : static_cast<std::uint64_t>(seconds / totp_step);
  return hotp_code(key, counter, digits);
}

std::optional<std::uint64_t> match_totp(core::byte_view key, std::string_view code, common::record::utc_time now,
                                        unsigned digits) {
  if (code.size() != digits) return std::nullopt;
  for (const char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  std::optional<std::uint64_t> matched;
  for (const auto skew : {-totp_step, std::chrono::seconds(0), totp_step}) {
    const auto t = now + skew;
    const std::string expected = totp_code(key, t, digits);
    if (common::crypto::equal_constant_time(
            core::byte_view(reinterpret_cast<const std::uint8_t*>(expected.data()), expected.size()),
            core::byte_view(reinterpret_cast<const std::uint8_t*>(code.data()), code.size())))
      matched = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()) /
                                           totp_step);
  }
  return matched;
}

bool verify_totp(core::byte_view key, std::string_view code, common::record::utc_time now, unsigned digits) {
  return match_totp(key, code, now, digits).has_value();
}

std::string base32_encode(core::byte_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(base32_alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(base32_alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<core::byte_buffer> base32_decode(std::string_view text) {
  core::byte_buffer out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const auto at = base32_alphabet.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(at);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace bodycam::console::access
