// C2SP tlog-tiles entry bundles: up to 256 log entries, each a big-endian uint16 length followed by that many
// bytes, nothing else. Guarantees: decode accepts exactly what encode produces (no trailing bytes, no short
// entry) and refuses a bundle whose entry count is not the one its path promises.
#pragma once

#include "common/core/bytes.hpp"

#include <vector>

namespace bodycam::common::tlog {

inline constexpr std::size_t max_entry_size = 0xffff;

// Errors: invalid_argument if an entry exceeds 65535 bytes.
[[nodiscard]] core::expected<core::byte_buffer> encode_entry_bundle(std::span<const core::byte_buffer> entries);
// `expected_count` is the width of the bundle's tile; errors name the entry that fails.
[[nodiscard]] core::expected<std::vector<core::byte_buffer>> decode_entry_bundle(core::byte_view bundle,
                                                                                std::size_t expected_count);

}  // namespace bodycam::common::tlog
