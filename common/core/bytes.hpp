// Big-endian byte writer and bounds-checked reader: the only way canonical encodings touch bytes.
// Invariants:
//  1. byte_reader never reads past the end of its span; every read returns an error naming the field.
//  2. Integers are big-endian, fixed width; strings and byte strings carry an explicit length prefix.
#pragma once

#include "common/core/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::common::core {

using byte_buffer = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;

// The bytes of a text, as a view (valid while the text is).
[[nodiscard]] inline byte_view text_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
// The bytes as a text (a copy).
[[nodiscard]] inline std::string as_text(byte_view bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class byte_writer {
 public:
  void put_u8(std::uint8_t v) { out_.push_back(v); }
  void put_u16(std::uint16_t v) { put_be(v, 2); }
  void put_u32(std::uint32_t v) { put_be(v, 4); }
  void put_u64(std::uint64_t v) { put_be(v, 8); }
  void put_i64(std::int64_t v) { put_be(static_cast<std::uint64_t>(v), 8); }
  void put_raw(byte_view bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void put_raw(std::string_view text) { out_.insert(out_.end(), text.begin(), text.end()); }
  // Length-prefixed (u16) text; the caller has checked the length limit.
  void put_string16(std::string_view text) {
    put_u16(static_cast<std::uint16_t>(text.size()));
    put_raw(text);
  }
  // Length-prefixed (u32) bytes.
  void put_bytes32(byte_view bytes) {
    put_u32(static_cast<std::uint32_t>(bytes.size()));
    put_raw(bytes);
  }

  [[nodiscard]] std::size_t size() const noexcept { return out_.size(); }
  [[nodiscard]] const byte_buffer& bytes() const noexcept { return out_; }
  [[nodiscard]] byte_buffer take() noexcept { return std::move(out_); }

 private:
  void put_be(std::uint64_t v, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  byte_buffer out_;
};

class byte_reader {
 public:
  explicit byte_reader(byte_view bytes) noexcept : bytes_(bytes) {}

  [[nodiscard]] expected<std::uint8_t> get_u8(std::string_view field);
  [[nodiscard]] expected<std::uint16_t> get_u16(std::string_view field);
  [[nodiscard]] expected<std::uint32_t> get_u32(std::string_view field);
  [[nodiscard]] expected<std::uint64_t> get_u64(std::string_view field);
  [[nodiscard]] expected<std::int64_t> get_i64(std::string_view field);
  [[nodiscard]] expected<byte_view> get_raw(std::size_t count, std::string_view field);
  [[nodiscard]] expected<std::string> get_string16(std::string_view field, std::size_t max_length);
  [[nodiscard]] expected<byte_buffer> get_bytes32(std::string_view field, std::size_t max_length);

  template <std::size_t N>
  [[nodiscard]] expected<std::array<std::uint8_t, N>> get_array(std::string_view field) {
    auto raw = get_raw(N, field);
    if (!raw) return std::unexpected(raw.error());
    std::array<std::uint8_t, N> out{};
    std::copy(raw->begin(), raw->end(), out.begin());
    return out;
  }

  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == bytes_.size(); }

 private:
  [[nodiscard]] expected<std::uint64_t> get_be(int width, std::string_view field);
  byte_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace bodycam::common::core
