// The link's stream framing, pure (no sockets): every Noise message travels as
//   u16 big-endian length L (1 .. limit) || L bytes of Noise message
// encode_wire_message builds that; wire_decoder is fed bytes as they arrive, in any split, and yields the
// complete messages or a clear error.
// Invariants:
//  1. A length of 0 is malformed (Noise never sends an empty message); a length above the current limit is
//     malformed and is refused as soon as its 2-byte prefix has arrived, before the body is buffered.
//  2. Once the decoder has failed it stays failed: every later call returns the first error. The connection
//     must be closed; nothing after a bad prefix can be trusted to be aligned.
//  3. finish() (end of stream) succeeds only on a message boundary; otherwise the stream was truncated.
//  4. Errors name the stream offset of the offending message's length prefix.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/wire_format.hpp"

#include <cstdint>
#include <optional>

namespace bodycam::common::link {

// invalid_argument if the message is empty or longer than max_noise_message.
[[nodiscard]] common::core::expected<common::core::byte_buffer> encode_wire_message(
    common::core::byte_view noise_message);

class wire_decoder {
 public:
  explicit wire_decoder(std::size_t max_message = max_noise_message) noexcept;

  // The limit for messages whose prefix has not been read yet (the handshake uses a small one); clamped to
  // [1, max_noise_message].
  void set_max_message(std::size_t max_message) noexcept;
  [[nodiscard]] std::size_t max_message() const noexcept { return max_message_; }

  void feed(common::core::byte_view bytes);
  // A complete message, std::nullopt when more bytes are needed, or the decoder's error.
  [[nodiscard]] common::core::expected<std::optional<common::core::byte_buffer>> next();
  // End of stream.
  [[nodiscard]] common::core::status finish();

  [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }
  [[nodiscard]] bool has_failed() const noexcept { return failure_.has_value(); }

 private:
  [[nodiscard]] std::unexpected<common::core::error> fail_with(common::core::error e);

  common::core::byte_buffer buffer_;
  std::size_t start_ = 0;            // first unconsumed byte in buffer_
  std::uint64_t stream_offset_ = 0;  // stream offset of buffer_[start_]
  std::size_t max_message_;
  std::optional<std::size_t> pending_length_;  // length of the message whose prefix was read
  std::optional<common::core::error> failure_;
};

}  // namespace bodycam::common::link
