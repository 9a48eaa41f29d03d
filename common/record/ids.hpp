// Identifiers carried in records: the device id (a readable label, safe in paths) and the session id
// (16 random bytes, shown as 32 hex digits).
#pragma once

#include "common/core/error.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace bodycam::common::record {

class device_id {
 public:
  static constexpr std::size_t max_length = 64;
  device_id() = default;
  // 1-64 characters of [A-Za-z0-9._-], not starting with '.', so it is safe as a path component.
  [[nodiscard]] static core::expected<device_id> parse(std::string_view text);
  [[nodiscard]] const std::string& str() const noexcept { return value_; }
  friend auto operator<=>(const device_id&, const device_id&) = default;

 private:
  explicit device_id(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

struct session_id {
  static constexpr std::size_t size = 16;
  std::array<std::uint8_t, size> bytes{};

  [[nodiscard]] std::string to_hex() const;
  [[nodiscard]] static core::expected<session_id> parse(std::string_view hex);
  [[nodiscard]] bool is_none() const noexcept;  // all zero: "no session" (e.g. an interruption while idle)
  friend auto operator<=>(const session_id&, const session_id&) = default;
};

}  // namespace bodycam::common::record
