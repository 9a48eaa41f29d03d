// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the text a log signs to commit to its state.
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n]...
// Guarantees of parse_checkpoint: exactly this shape — a non-empty origin, a size without sign or leading
// zeros, a canonical base64 root of 32 bytes, non-empty extension lines, a final newline — or an error naming
// the line. format_checkpoint(parse_checkpoint(t)) == t for every accepted t.
#pragma once

#include "common/tlog/hash.hpp"

#include <string>
#include <vector>

namespace bodycam::common::tlog {

inline constexpr std::size_t max_checkpoint_bytes = 16 * 1024;

struct checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  hash root;
  std::vector<std::string> extensions;
  friend bool operator==(const checkpoint&, const checkpoint&) = default;
};

[[nodiscard]] std::string format_checkpoint(const checkpoint& c);
[[nodiscard]] core::expected<checkpoint> parse_checkpoint(std::string_view text);

}  // namespace bodycam::common::tlog
