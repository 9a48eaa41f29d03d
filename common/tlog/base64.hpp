// Standard base64 (RFC 4648 §4, with padding) as signed notes and checkpoints use it, decoded strictly:
// only the canonical encoding of some byte string is accepted (no whitespace, no missing or extra padding,
// no non-zero trailing bits), so each value has one spelling.
#pragma once

#include "common/core/bytes.hpp"

#include <string>

namespace bodycam::common::tlog {

[[nodiscard]] std::string encode_base64(core::byte_view bytes);
// `what` names the value in the error: "decode root hash: not canonical base64".
[[nodiscard]] core::expected<core::byte_buffer> decode_base64(std::string_view text, std::string_view what);

}  // namespace bodycam::common::tlog
