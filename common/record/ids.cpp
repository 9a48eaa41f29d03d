#include "common/record/ids.hpp"

#include "common/core/hex.hpp"

#include <algorithm>

namespace bodycam::common::record {

core::expected<device_id> device_id::parse(std::string_view text) {
  auto bad = [&] {
    return core::fail(core::errc::malformed, "device id '" + std::string(text.substr(0, 80)) +
                                                 "': use 1-64 characters of A-Z a-z 0-9 . _ -, not starting with '.'");
  };
  if (text.empty() || text.size() > max_length || text.front() == '.') return bad();
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return bad();
  }
  return device_id(std::string(text));
}

std::string session_id::to_hex() const { return core::to_hex(bytes); }

core::expected<session_id> session_id::parse(std::string_view hex) {
  auto raw = core::parse_hex(hex, size, "session id");
  if (!raw) return std::unexpected(raw.error());
  session_id out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

bool session_id::is_none() const noexcept {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace bodycam::common::record
