#include "common/link/wire_decoder.hpp"

#include <algorithm>
#include <string>

namespace bodycam::common::link {

namespace core = common::core;

core::expected<core::byte_buffer> encode_wire_message(core::byte_view noise_message) {
  if (noise_message.empty()) return core::fail(core::errc::invalid_argument, "wire message: empty");
  if (noise_message.size() > max_noise_message)
    return core::fail(core::errc::invalid_argument, "wire message: " + std::to_string(noise_message.size()) +
                                                        " bytes, more than " + std::to_string(max_noise_message));
  core::byte_writer out;
  out.put_u16(static_cast<std::uint16_t>(noise_message.size()));
  out.put_raw(noise_message);
  return out.take();
}

wire_decoder::wire_decoder(std::size_t max_message) noexcept : max_message_(max_noise_message) {
  set_max_message(max_message);
}

void wire_decoder::set_max_message(std::size_t max_message) noexcept {
  max_message_ = std::clamp<std::size_t>(max_message, 1, max_noise_message);
}

std::unexpected<core::error> wire_decoder::fail_with(core::error e) {
  if (!failure_) failure_ = std::move(e);  // invariant 2
  return std::unexpected(*failure_);
}

void wire_decoder::feed(core::byte_view bytes) {
  if (failure_ || bytes.empty()) return;
  if (start_ > 0 && start_ >= buffer_.size() / 2) {  // compact: keeps feed + next linear overall
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

core::expected<std::optional<core::byte_buffer>> wire_decoder::next() {
  if (failure_) return std::unexpected(*failure_);
  if (!pending_length_) {
    if (buffered() < length_prefix_size) return std::optional<core::byte_buffer>{};
    const std::size_t length = (std::size_t{buffer_[start_]} << 8) | std::size_t{buffer_[start_ + 1]};
    const std::string where = "wire message at stream offset " + std::to_string(stream_offset_);
    if (length == 0) return fail_with({core::errc::malformed, where + ": length 0"});  // invariant 1
    if (length > max_message_)
      return fail_with({core::errc::malformed, where + ": length " + std::to_string(length) + " exceeds the limit of " +
                                                   std::to_string(max_message_) + " bytes"});
    pending_length_ = length;
  }
  if (buffered() < length_prefix_size + *pending_length_) return std::optional<core::byte_buffer>{};
  const auto body = buffer_.begin() + static_cast<std::ptrdiff_t>(start_ + length_prefix_size);
  core::byte_buffer message(body, body + static_cast<std::ptrdiff_t>(*pending_length_));
  const std::size_t consumed = length_prefix_size + *pending_length_;
  start_ += consumed;
  stream_offset_ += consumed;
  pending_length_.reset();
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return std::optional<core::byte_buffer>(std::move(message));
}

core::status wire_decoder::finish() {
  if (failure_) return std::unexpected(*failure_);
  if (buffered() == 0) return {};
  std::string context = "stream ended inside the wire message at stream offset " + std::to_string(stream_offset_) +
                        ": have " + std::to_string(buffered()) + " bytes";
  if (!pending_length_ && buffered() >= length_prefix_size)
    pending_length_ = (std::size_t{buffer_[start_]} << 8) | std::size_t{buffer_[start_ + 1]};
  if (pending_length_)
    context += " of " + std::to_string(length_prefix_size + *pending_length_);
  else
    context += " of the 2-byte length prefix";
  return fail_with({core::errc::malformed, context});  // invariant 3
}

}  // namespace bodycam::common::link
