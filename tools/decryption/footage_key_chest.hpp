// The agency footage secrets one clerk's command may use (bodycam export, bodycam copy, the console): the key
// ring of sealed keys (footage_key_ring.hpp), opened one at a time and only when an encrypted file asks for
// one — which the callers do only after their access entry is stored. Guarantees:
//  C1. Nothing is opened and no passphrase is read before the first key_for; the passphrase is read at most
//      once, then each sealed key the files name is opened at most once and held in guarded memory.
//  C2. key_for gives the key whose id an envelope of the file names (footage_key_ring R3); a file sealed to no
//      key of the ring is errc::not_found naming the file, the key ids it is sealed to and the ids held.
//  C3. A passphrase that does not open the chosen key is errc::permission naming the sealed key file.
//  C4. key_for may be called from several threads at once (the console); it is serialised.
#pragma once

#include "common/crypto/footage_key.hpp"
#include "tools/decryption/footage_key_ring.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

namespace bodycam::tools::decryption {

class footage_key_chest {
 public:
  using passphrase_source = std::function<common::core::expected<common::crypto::guarded_bytes>()>;

  footage_key_chest(std::vector<sealed_footage_key> ring, passphrase_source passphrase)
      : ring_(std::move(ring)), passphrase_(std::move(passphrase)) {}

  // Valid as long as the chest lives.
  [[nodiscard]] common::core::expected<const common::crypto::footage_secret_key*> key_for(
      std::span<const common::crypto::footage_key_id> wanted, std::string_view file);

  [[nodiscard]] const std::vector<sealed_footage_key>& ring() const noexcept { return ring_; }
  // The key ids of the keys held, comma separated (for messages).
  [[nodiscard]] std::string held_ids() const;

 private:
  std::vector<sealed_footage_key> ring_;
  passphrase_source passphrase_;
  std::optional<common::crypto::guarded_bytes> passphrase_bytes_;
  std::map<common::crypto::footage_key_id, common::crypto::footage_secret_key> opened_;
  std::unique_ptr<std::mutex> lock_ = std::make_unique<std::mutex>();  // C4 (a pointer: the chest stays movable)
};

}  // namespace bodycam::tools::decryption
