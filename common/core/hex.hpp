// Lower-case hex encoding and strict decoding (exact length, hex digits only).
#pragma once

#include "common/core/bytes.hpp"

#include <string>
#include <string_view>

namespace bodycam::common::core {

[[nodiscard]] std::string to_hex(byte_view bytes);
// Decodes exactly `expected_bytes` bytes (2 hex digits each); `what` names the value in the error.
[[nodiscard]] expected<byte_buffer> parse_hex(std::string_view text, std::size_t expected_bytes, std::string_view what);

}  // namespace bodycam::common::core
