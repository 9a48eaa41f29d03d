#include "common/link/trust_set.hpp"

#include "common/link/link_identity.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdint>

namespace bodycam::common::link {

namespace core = common::core;
namespace crypto = common::crypto;

core::status trust_set::add(const crypto::public_key& key) {
  auto x = noise_key_of(key);  // invariant 2
  if (!x) return core::wrap("add " + description_, x.error());
  if (std::any_of(entries_.begin(), entries_.end(), [&](const entry& e) { return e.ed25519 == key; })) return {};
  entries_.push_back(entry{key, *x});
  return {};
}

core::expected<crypto::public_key> trust_set::find(const x25519_public_key& noise_key) const {
  // Invariant 1: branch-free selection over all entries.
  std::size_t found_index = 0;
  std::size_t found_mask = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const int diff = sodium_memcmp(entries_[i].x25519.data(), noise_key.data(), noise_key.size());  // 0 or -1
    const std::size_t equal_mask = static_cast<std::size_t>(0) - static_cast<std::size_t>(diff + 1);
    found_index = (found_index & ~equal_mask) | (i & equal_mask);
    found_mask |= equal_mask;
  }
  if (found_mask == 0) return core::fail(core::errc::not_found, "not " + description_);
  return entries_[found_index].ed25519;
}

}  // namespace bodycam::common::link
