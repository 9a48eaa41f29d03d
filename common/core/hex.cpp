#include "common/core/hex.hpp"

namespace bodycam::common::core {

std::string to_hex(byte_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

expected<byte_buffer> parse_hex(std::string_view text, std::size_t expected_bytes, std::string_view what) {
  if (text.size() != expected_bytes * 2)
    return fail(errc::malformed, std::string(what) + ": expected " + std::to_string(expected_bytes * 2) +
                                     " hex digits, got " + std::to_string(text.size()));
  byte_buffer out(expected_bytes);
  for (std::size_t i = 0; i < expected_bytes; ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return fail(errc::malformed, std::string(what) + ": not a hex digit at position " + std::to_string(2 * i));
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

}  // namespace bodycam::common::core
