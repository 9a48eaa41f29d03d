// The enrollment register in a store (docs/formats/store.md): entries at enrollment/<seq>, the agency root's
// public key at enrollment/root.pub. The one way to add an entry, and the one way to read the register.
// Invariants:
//  S1. append_enrollment stores create-only at enrollment/<next seq> with prev_hash the stored last entry's
//      hash; a concurrent writer who took the seq makes it fail (conflict) with nothing half-written.
//  S2. append_enrollment refuses to extend a register that does not verify under `root`, and refuses a
//      signer that may not sign enrollment entries now: a bad entry is never built upon.
//  S3. The root key in the store is never trusted on its own: load_register takes the root to trust from
//      the caller and reports whether the store's copy agrees (root_source).
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/store/store.hpp"
#include "tools/enrollment/enrollment_register.hpp"

#include <optional>

namespace bodycam::tools::enrollment {

namespace store = bodycam::common::store;

inline constexpr std::string_view root_key_entry_name = "root.pub";
inline constexpr std::string_view root_key_label = "agency-root";

// Stores the root public key line at enrollment/root.pub (create-only; the same key again is fine, another
// key is errc::conflict).
[[nodiscard]] core::expected<store::put_outcome> put_store_root(store::store& s, const crypto::public_key& root);
// The store's root key, or nullopt when the store has none.
[[nodiscard]] core::expected<std::optional<crypto::public_key>> get_store_root(const store::store& s);
// Every entry item (root.pub left out). An absent enrollment/ folder is an empty list.
[[nodiscard]] core::expected<std::vector<stored_item>> read_stored_entries(const store::store& s);
[[nodiscard]] core::expected<bool> has_register(const store::store& s);

[[nodiscard]] core::expected<verified_register> load_register(const store::store& s, const crypto::public_key& root);

// S1, S2: fills seq, prev_hash, utc (if zero) and signer; signs with `signer`; stores.
[[nodiscard]] core::expected<signed_enrollment_entry> append_enrollment(store::store& s, const crypto::public_key& root,
                                                                        enrollment_entry draft, crypto::signer& signer);

}  // namespace bodycam::tools::enrollment
