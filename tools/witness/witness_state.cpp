// The witness's state file; format and guarantees in witness_state.hpp.
#include "tools/witness/witness_state.hpp"

#include "common/core/durable_file.hpp"
#include "common/store/store_key.hpp"

namespace bodycam::tools::witness {

namespace core = bodycam::common::core;

std::string format_witness_state(const witness_state& s) {
  return "bodycam-witness-state/v1\norigin " + s.origin + "\nsize " + std::to_string(s.last.size) + "\nroot " +
         s.last.root.to_hex() + "\n";
}

core::expected<witness_state> parse_witness_state(std::string_view text) {
  const auto bad = [](std::string why) { return core::fail(core::errc::malformed, "witness state: " + why); };
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return bad("does not end with a newline");
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (lines.size() != 4 || lines[0] != "bodycam-witness-state/v1") return bad("not 4 lines of version 1");
  if (!lines[1].starts_with("origin ") || lines[1].size() == 7) return bad("no origin line");
  if (!lines[2].starts_with("size ")) return bad("no size line");
  if (!lines[3].starts_with("root ")) return bad("no root line");
  witness_state s;
  s.origin = std::string(lines[1].substr(7));
  auto size = common::store::parse_seq_name(lines[2].substr(5));
  if (!size) return bad("size is not a canonical decimal");
  auto root = common::store::parse_object_name(lines[3].substr(5));
  if (!root) return bad("root is not 64 lower-case hex digits");
  s.last.size = *size;
  s.last.root = *root;
  return s;
}

core::expected<std::optional<witness_state>> load_witness_state(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::optional<witness_state>{};
  auto bytes = core::read_file(path, 4096);
  if (!bytes) return std::unexpected(bytes.error());
  auto s = parse_witness_state(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!s) return core::wrap(path.string(), s.error());
  return std::optional<witness_state>(std::move(*s));
}

core::status save_witness_state(const std::filesystem::path& path, const witness_state& s) {
  const auto text = format_witness_state(s);
  return core::write_file_durably(path, core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                                  {0600, false});
}

}  // namespace bodycam::tools::witness
