#include "common/link/key_directory.hpp"

#include <algorithm>
#include <system_error>

namespace bodycam::common::link {

core::expected<key_directory> key_directory::load(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return core::fail(core::errc::not_found, "trusted keys directory " + dir.string() + ": not a directory");
  key_directory out;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".pub" || name.starts_with(".")) continue;
    auto key = crypto::load_public_key(entry.path());
    if (!key) return core::wrap("trusted keys directory " + dir.string(), key.error());
    const auto stem = entry.path().stem().string();
    if (key->label != stem)
      return core::fail(core::errc::malformed, "trusted key " + entry.path().string() + ": its label '" + key->label +
                                                   "' is not its file name '" + stem + "'");
    out.keys_[key->label] = key->key;
  }
  if (ec) return core::fail(core::errc::io, "list trusted keys directory " + dir.string() + ": " + ec.message());
  return out;
}

std::optional<crypto::public_key> key_directory::key_of(std::string_view label) const {
  auto it = keys_.find(label);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> key_directory::label_of(const crypto::public_key& key) const {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const auto& kv) { return kv.second == key; });
  if (it == keys_.end()) return std::nullopt;
  return it->first;
}

core::expected<trust_set> key_directory::to_trust_set(std::string description) const {
  trust_set set(std::move(description));
  for (const auto& [label, key] : keys_) {
    if (auto ok = set.add(key); !ok) return core::wrap("trusted key " + label, ok.error());
  }
  return set;
}

}  // namespace bodycam::common::link
