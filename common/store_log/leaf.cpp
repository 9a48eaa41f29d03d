// The store log's leaf encoding; the shape and its guarantees are in leaf.hpp.
#include "common/store_log/leaf.hpp"

#include <algorithm>

namespace bodycam::common::store_log {

std::string_view leaf_kind(std::string_view key) noexcept {
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) return {};
  const auto first = key.substr(0, slash);
  const auto* found = std::find(loggable_kinds.begin(), loggable_kinds.end(), first);
  return found == loggable_kinds.end() ? std::string_view{} : *found;
}

core::expected<core::byte_buffer> encode_leaf(const store_leaf& leaf) {
  const auto kind = leaf_kind(leaf.key);
  if (kind.empty())
    return core::fail(core::errc::invalid_argument, "encode log leaf for '" + leaf.key + "': not a logged store key");
  if (auto key = store::store_key::parse(leaf.key); !key) return core::wrap("encode log leaf", key.error());
  std::string text(leaf_prefix);
  text += kind;
  text += ' ';
  text += leaf.sha256.to_hex();
  text += ' ';
  text += leaf.key;
  text += '\n';
  return core::byte_buffer(text.begin(), text.end());
}

core::expected<store_leaf> parse_leaf(core::byte_view bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const auto bad = [](std::string_view why) {
    return core::fail(core::errc::malformed, "parse log leaf: " + std::string(why));
  };
  if (!text.starts_with(leaf_prefix)) return bad("does not start with 'bodycam-store-leaf/v1 '");
  if (!text.ends_with('\n')) return bad("does not end with a newline");
  const auto rest = text.substr(leaf_prefix.size(), text.size() - leaf_prefix.size() - 1);
  const auto first_space = rest.find(' ');
  if (first_space == std::string_view::npos) return bad("no digest");
  const auto kind = rest.substr(0, first_space);
  const auto after_kind = rest.substr(first_space + 1);
  constexpr std::size_t hex_size = 2 * crypto::sha256_digest::size;
  if (after_kind.size() < hex_size + 2 || after_kind[hex_size] != ' ') return bad("digest is not 64 hex digits");
  auto digest = store::parse_object_name(after_kind.substr(0, hex_size));
  if (!digest) return bad("digest is not 64 lower-case hex digits");
  store_leaf leaf{std::string(after_kind.substr(hex_size + 1)), *digest};
  if (!store::store_key::parse(leaf.key)) return bad("key '" + leaf.key.substr(0, 80) + "' is not a store key");
  if (leaf_kind(leaf.key).empty() || leaf_kind(leaf.key) != kind)
    return bad("kind '" + std::string(kind.substr(0, 40)) + "' does not match key '" + leaf.key.substr(0, 80) + "'");
  return leaf;
}

}  // namespace bodycam::common::store_log
