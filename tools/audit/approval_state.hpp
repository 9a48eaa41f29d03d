// The export requests of a store and their state (tools/registers/export_approval.hpp, rules E1-E3), read
// through the store port: the access register, checked, and the enrollment register under the root the
// caller trusts, which says who was a supervisor when. Used by `bodycam approve`, `bodycam export --approved`
// and the console's approvals pages, so all three decide by the same rules as the audit.
// Guarantees: an access register that does not verify is an error (corrupt) naming its first finding, so no
// decision or export is made on a register someone tampered with; an approval counts only if its key was
// enrolled for its signer's id with role supervisor at its time.
#pragma once

#include "common/store/store.hpp"
#include "tools/registers/export_approval.hpp"

#include <memory>

namespace bodycam::tools::audit {

struct export_approvals {
  registers::register_book book;
  registers::approval_book approvals;  // points into book
};

[[nodiscard]] common::core::expected<std::unique_ptr<export_approvals>> read_export_approvals(
    const common::store::store& s, const common::crypto::public_key& root);

// The same for the expiry requests of the retention register (registers::expiry_rule()) and for its hold
// release requests (registers::release_rule()).
[[nodiscard]] common::core::expected<std::unique_ptr<export_approvals>> read_expiry_approvals(
    const common::store::store& s, const common::crypto::public_key& root);
[[nodiscard]] common::core::expected<std::unique_ptr<export_approvals>> read_release_approvals(
    const common::store::store& s, const common::crypto::public_key& root);

}  // namespace bodycam::tools::audit
