// The footage key chest (footage_key_chest.hpp C1-C3).
#include "tools/decryption/footage_key_chest.hpp"

#include "common/crypto/footage_key_file.hpp"

namespace bodycam::tools::decryption {

namespace core = common::core;
namespace crypto = common::crypto;

core::expected<const crypto::footage_secret_key*> footage_key_chest::key_for(
    std::span<const crypto::footage_key_id> wanted, std::string_view file) {
  const std::lock_guard<std::mutex> hold(*lock_);  // C4
  const std::vector<crypto::footage_key_id> ids(wanted.begin(), wanted.end());
  auto chosen = choose_footage_key(ring_, ids, file);  // C2
  if (!chosen) return std::unexpected(chosen.error());
  const sealed_footage_key& sealed = **chosen;
  if (auto it = opened_.find(sealed.id); it != opened_.end()) return &it->second;
  if (!passphrase_bytes_) {  // C1
    if (!passphrase_) return core::fail(core::errc::invalid_argument, "no passphrase for footage key " + sealed.path.string());
    auto got = passphrase_();
    if (!got) return std::unexpected(got.error());
    passphrase_bytes_ = std::move(*got);
  }
  auto key = crypto::open_footage_secret_key(sealed.sealed, passphrase_bytes_->view());
  if (!key) return core::wrap("open footage key " + sealed.path.string() + " (key id " + sealed.id.to_hex() + ")",
                              key.error());  // C3
  const auto it = opened_.emplace(sealed.id, std::move(key->key)).first;
  return &it->second;
}

std::string footage_key_chest::held_ids() const {
  std::string out;
  for (const auto& k : ring_) out += (out.empty() ? "" : ", ") + k.id.to_hex();
  return out;
}

}  // namespace bodycam::tools::decryption
