#include "common/link/frame.hpp"

#include "common/core/hex.hpp"

#include <string>

namespace bodycam::common::link {

namespace core = common::core;

std::string_view to_string(frame_type type) noexcept {
  switch (type) {
    case frame_type::data: return "data";
    case frame_type::close: return "close";
    case frame_type::accept: return "accept";
  }
  return "unknown";
}

core::expected<core::byte_buffer> encode_frame(const frame& f) {
  if (f.payload.size() > max_frame_payload)
    return core::fail(core::errc::invalid_argument, "encode " + std::string(to_string(f.type)) + " frame: payload of " +
                                                        std::to_string(f.payload.size()) + " bytes, more than " +
                                                        std::to_string(max_frame_payload));
  if (f.type == frame_type::accept && !f.payload.empty())
    return core::fail(core::errc::invalid_argument, "encode accept frame: payload must be empty");
  core::byte_buffer out;
  out.reserve(1 + f.payload.size());
  out.push_back(static_cast<std::uint8_t>(f.type));
  out.insert(out.end(), f.payload.begin(), f.payload.end());
  return out;
}

core::expected<frame> parse_frame(core::byte_view plaintext) {
  if (plaintext.empty()) return core::fail(core::errc::malformed, "frame: empty, no type byte");
  if (plaintext.size() > max_frame_plaintext)
    return core::fail(core::errc::malformed, "frame: " + std::to_string(plaintext.size()) + " bytes, more than " +
                                                 std::to_string(max_frame_plaintext));
  const std::uint8_t type_byte = plaintext[0];
  frame out;
  switch (type_byte) {
    case static_cast<std::uint8_t>(frame_type::data): out.type = frame_type::data; break;
    case static_cast<std::uint8_t>(frame_type::close): out.type = frame_type::close; break;
    case static_cast<std::uint8_t>(frame_type::accept): out.type = frame_type::accept; break;
    default:
      return core::fail(core::errc::malformed, "frame: unknown type 0x" + core::to_hex(core::byte_view(&type_byte, 1)));
  }
  const auto payload = plaintext.subspan(1);
  if (out.type == frame_type::accept && !payload.empty())
    return core::fail(core::errc::malformed,
                      "accept frame: " + std::to_string(payload.size()) + " bytes of payload, expected none");
  out.payload.assign(payload.begin(), payload.end());
  return out;
}

}  // namespace bodycam::common::link
