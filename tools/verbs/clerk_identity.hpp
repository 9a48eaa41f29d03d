// What every verb that writes to a register needs: the clerk's signing identity, from a secret key file made
// by `bodycam keygen --id <clerk>` (the file's label is the clerk id), and the workstation's UTC.
// Guarantees: a public key file given as the secret key is named as such (not a file-mode complaint); a key
// that the store holds for a camera or a dock is never accepted as a clerk's (check_clerk_key_in_store).
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/record/payloads.hpp"
#include "common/store/store.hpp"

#include <memory>
#include <string>

namespace bodycam::tools::verbs {

struct clerk_identity {
  std::string id;
  std::unique_ptr<common::crypto::software_signer> signer;
};

[[nodiscard]] common::core::expected<clerk_identity> load_clerk(const std::string& key_file);
// Refuses (errc::permission) a clerk whose public key is the one the store holds for a device or a dock: an
// identity in keys/ that is a device with records, or that no clerk has used in the access or retention
// register (cameras and docks are put there by `bodycam enroll`); or a clerk id that is a device's.
[[nodiscard]] common::core::status check_clerk_key_in_store(const common::store::store& s, const clerk_identity& clerk);
[[nodiscard]] common::record::utc_time utc_now();

}  // namespace bodycam::tools::verbs
