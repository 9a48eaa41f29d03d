// A frame: what one Noise transport message carries once decrypted. Layout of the plaintext:
//   u8 type || payload (0 .. 65518 bytes)
// Types: data (0x01, the application's bytes), close (0x02, payload = UTF-8 reason; the sender closes after
// it), accept (0x03, empty; the responder's first frame, saying it accepted the initiator's identity).
// Pure: encoding and parsing only.
// Invariants:
//  1. parse_frame accepts exactly what encode_frame produces: a known type, a payload within the limit, an
//     empty payload for accept. Anything else is malformed and names what was wrong.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/wire_format.hpp"

#include <cstdint>
#include <string_view>

namespace bodycam::common::link {

enum class frame_type : std::uint8_t { data = 0x01, close = 0x02, accept = 0x03 };

[[nodiscard]] std::string_view to_string(frame_type type) noexcept;

struct frame {
  frame_type type = frame_type::data;
  common::core::byte_buffer payload;

  [[nodiscard]] static frame make_data(common::core::byte_view bytes) {
    return {frame_type::data, {bytes.begin(), bytes.end()}};
  }
  [[nodiscard]] static frame make_close(std::string_view reason) {
    return {frame_type::close, {reason.begin(), reason.end()}};
  }
  [[nodiscard]] static frame make_accept() { return {frame_type::accept, {}}; }

  friend bool operator==(const frame&, const frame&) = default;
};

// The plaintext of one transport message; invalid_argument if the payload is over max_frame_payload or an
// accept frame has a payload.
[[nodiscard]] common::core::expected<common::core::byte_buffer> encode_frame(const frame& f);
[[nodiscard]] common::core::expected<frame> parse_frame(common::core::byte_view plaintext);

}  // namespace bodycam::common::link
