#include "common/tlog/checkpoint.hpp"

#include "common/tlog/base64.hpp"

#include <charconv>

namespace bodycam::common::tlog {

std::string format_checkpoint(const checkpoint& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" + encode_base64(c.root.bytes) + "\n";
  for (const auto& e : c.extensions) out += e + "\n";
  return out;
}

core::expected<checkpoint> parse_checkpoint(std::string_view text) {
  const auto bad = [](std::string_view why) {
    return core::fail(core::errc::malformed, "parse checkpoint: " + std::string(why));
  };
  if (text.size() > max_checkpoint_bytes) return bad("over " + std::to_string(max_checkpoint_bytes) + " bytes");
  if (text.empty() || text.back() != '\n') return bad("does not end in a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const auto nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return bad("fewer than 3 lines");
  checkpoint c;
  if (lines[0].empty()) return bad("origin line is empty");
  c.origin = lines[0];
  const auto size = lines[1];
  const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), c.size);
  if (size.empty() || ec != std::errc{} || end != size.data() + size.size() || (size.size() > 1 && size[0] == '0')) {
    return bad("size line is not a decimal number without leading zeros");
  }
  auto root = decode_base64(lines[2], "checkpoint root hash");
  if (!root) return bad("root hash line is not base64");
  if (root->size() != hash_size) return bad("root hash is not 32 bytes");
  std::copy(root->begin(), root->end(), c.root.bytes.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return bad("extension line " + std::to_string(i - 2) + " is empty");
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

}  // namespace bodycam::common::tlog
