// What `bodycam enroll` does to the enrollment register (tools/enrollment): load the key that signs (the
// sealed agency root with its passphrase, or an admin's secret key), and write enrollments and revocations.
// Guarantees:
//  1. With the root key, the store's enrollment/root.pub is put first (create-only); a store holding another
//     root refuses (errc::conflict) before any entry is written.
//  2. With an admin key, the store must already have a root and the register must let that admin enroll now
//     (append_enrollment S2); an admin never creates a root.
//  3. Enrolling what the register already grants (same kind, subject and key, in force now) writes nothing
//     and says "already in the register".
#pragma once

#include "common/store/store.hpp"
#include "tools/enrollment/enrollment_store.hpp"

#include <memory>
#include <string>

namespace bodycam::tools::verbs {

struct register_signer_options {
  std::string root_key;         // sealed root key file
  std::string passphrase_file;  // for root_key
  std::string admin_key;        // an admin's secret key file
  std::string log_key;          // an enrolled dock's secret key file: log what was written at once (log_now.hpp)
  [[nodiscard]] bool is_given() const noexcept { return !root_key.empty() || !admin_key.empty(); }
};

struct register_signer {
  std::unique_ptr<common::crypto::software_signer> signer;
  common::crypto::public_key root;
  std::string who;  // "agency root" or "admin <id>"
};

[[nodiscard]] common::core::expected<register_signer> load_register_signer(common::store::store& s,
                                                                           const register_signer_options& options);

// Writes one enrollment (guarantee 3); returns the line to print.
[[nodiscard]] common::core::expected<std::string> enroll_in_register(common::store::store& s, register_signer& signer,
                                                                     enrollment::enrollment_entry draft);
// Writes a revocation of entry `seq` effective `at` (zero: now); returns the line to print.
[[nodiscard]] common::core::expected<std::string> revoke_in_register(common::store::store& s, register_signer& signer,
                                                                     std::uint64_t seq, common::record::utc_time at,
                                                                     const std::string& reason);

}  // namespace bodycam::tools::verbs
