// What every verb that writes to a register needs: the clerk's signing identity, from a secret key file made
// by `bodycam keygen --id <clerk>` (the file's label is the clerk id), and the workstation's UTC.
// Guarantees: a public key file given as the secret key is named as such (not a file-mode complaint); a key
// is accepted only if the store's enrollment register enrolls it, now, for what the verb signs (a person with
// role clerk or supervisor for access and retention entries, supervisor for approvals): a clerk never
// enrolls themself, and a camera's or dock's key is never a clerk's (check_clerk_key_in_store).
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/record/payloads.hpp"
#include "common/store/store.hpp"
#include "tools/enrollment/authorization_table.hpp"

#include <memory>
#include <string>

namespace bodycam::tools::verbs {

struct clerk_identity {
  std::string id;
  std::unique_ptr<common::crypto::software_signer> signer;
};

[[nodiscard]] common::core::expected<clerk_identity> load_clerk(const std::string& key_file);
// Refuses (errc::permission) a clerk whose key the store's enrollment register does not let sign `kind` now,
// or whose id is not the subject the register enrolled that key for; the message says how to enroll. The
// register is checked under the store's own root (enrollment/root.pub): this is the clerk's workstation
// refusing early; the audit, with the root the auditor trusts, is what decides.
[[nodiscard]] common::core::status check_clerk_key_in_store(
    const common::store::store& s, const clerk_identity& clerk,
    enrollment::signature_kind kind = enrollment::signature_kind::access_entry);
[[nodiscard]] common::record::utc_time utc_now();

}  // namespace bodycam::tools::verbs
