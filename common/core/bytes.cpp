#include "common/core/bytes.hpp"

#include <algorithm>

namespace bodycam::common::core {

namespace {
std::unexpected<error> truncated(std::string_view field, std::size_t need, std::size_t have, std::size_t at) {
  return fail(errc::malformed, "field " + std::string(field) + " at byte " + std::to_string(at) + ": needs " +
                                   std::to_string(need) + " bytes, only " + std::to_string(have) + " left");
}
template <class T>
expected<T> narrow(expected<std::uint64_t> v) {
  if (!v) return std::unexpected(v.error());
  return static_cast<T>(*v);
}
}  // namespace

expected<std::uint64_t> byte_reader::get_be(int width, std::string_view field) {
  const auto need = static_cast<std::size_t>(width);
  if (remaining() < need) return truncated(field, need, remaining(), pos_);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < need; ++i) v = (v << 8) | bytes_[pos_ + i];
  pos_ += need;
  return v;
}

expected<std::uint8_t> byte_reader::get_u8(std::string_view field) {
  return narrow<std::uint8_t>(get_be(1, field));
}
expected<std::uint16_t> byte_reader::get_u16(std::string_view field) {
  return narrow<std::uint16_t>(get_be(2, field));
}
expected<std::uint32_t> byte_reader::get_u32(std::string_view field) {
  return narrow<std::uint32_t>(get_be(4, field));
}
expected<std::uint64_t> byte_reader::get_u64(std::string_view field) { return get_be(8, field); }
expected<std::int64_t> byte_reader::get_i64(std::string_view field) {
  return narrow<std::int64_t>(get_be(8, field));
}

expected<byte_view> byte_reader::get_raw(std::size_t count, std::string_view field) {
  if (remaining() < count) return truncated(field, count, remaining(), pos_);
  auto out = bytes_.subspan(pos_, count);
  pos_ += count;
  return out;
}

expected<std::string> byte_reader::get_string16(std::string_view field, std::size_t max_length) {
  const std::size_t at = pos_;
  auto length = get_u16(field);
  if (!length) return std::unexpected(length.error());
  if (*length > max_length)
    return fail(errc::malformed, "field " + std::string(field) + " at byte " + std::to_string(at) + ": length " +
                                     std::to_string(*length) + " exceeds limit " + std::to_string(max_length));
  auto raw = get_raw(*length, field);
  if (!raw) return std::unexpected(raw.error());
  return std::string(raw->begin(), raw->end());
}

expected<byte_buffer> byte_reader::get_bytes32(std::string_view field, std::size_t max_length) {
  const std::size_t at = pos_;
  auto length = get_u32(field);
  if (!length) return std::unexpected(length.error());
  if (*length > max_length)
    return fail(errc::malformed, "field " + std::string(field) + " at byte " + std::to_string(at) + ": length " +
                                     std::to_string(*length) + " exceeds limit " + std::to_string(max_length));
  auto raw = get_raw(*length, field);
  if (!raw) return std::unexpected(raw.error());
  return byte_buffer(raw->begin(), raw->end());
}

}  // namespace bodycam::common::core
