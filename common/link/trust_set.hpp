// The set of peers one side accepts on the link: on a dock, the enrolled cameras; on a camera, the agency's
// docks. Entries are Ed25519 public keys; lookups are by the X25519 key a Noise handshake authenticated.
// Invariants:
//  1. A lookup compares the candidate with every entry in constant time (sodium_memcmp) and does not stop at
//     the first match, so its timing reveals neither whether nor where the key was found.
//  2. Every entry's X25519 key is computed when it is added; a key that does not convert is refused then.
#pragma once

#include "common/core/error.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/link/x25519_keypair.hpp"

#include <string>
#include <vector>

namespace bodycam::common::link {

class trust_set {
 public:
  // `description` names what an entry is, with its article, for messages: "an enrolled camera",
  // "an agency dock" (a refusal reads "... is not an enrolled camera").
  explicit trust_set(std::string description) : description_(std::move(description)) {}

  // Adds a key; adding one that is present already changes nothing.
  [[nodiscard]] common::core::status add(const common::crypto::public_key& key);
  // The Ed25519 key whose X25519 form equals `noise_key`; not_found otherwise.
  [[nodiscard]] common::core::expected<common::crypto::public_key> find(const x25519_public_key& noise_key) const;

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] const std::string& description() const noexcept { return description_; }

 private:
  struct entry {
    common::crypto::public_key ed25519;
    x25519_public_key x25519;
  };
  std::string description_;
  std::vector<entry> entries_;
};

}  // namespace bodycam::common::link
