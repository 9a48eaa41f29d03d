// `bodycam audit` as a function: reads a store through the store port only (so any backend will do) and
// returns an audit_report. It never writes to the store.
// Invariants:
//  1. A device's verdict is the chain verifier's, made worse, never better, by what the chain cannot see: a
//     file a record describes that is missing or no longer matches (not authentic), a receipt that does not
//     verify under the issuing dock's enrolled key (not authentic), a file deleted under the retention
//     policy with a signed expiry event (a documented gap: "expired under policy", not "missing").
//  2. The store's verdict is the worst of its devices' and its registers' (not_authentic > cannot_verify >
//     authentic_with_gaps > authentic); an empty store cannot be verified.
//  3. With sample_slices > 1 only the objects of one slice are re-hashed; the others are checked for
//     presence and length and reported `present`, never `verified`.
#pragma once

#include "common/store/store.hpp"
#include "tools/audit/audit_report.hpp"

namespace bodycam::tools::audit {

[[nodiscard]] common::core::expected<audit_report> audit_store(const common::store::store& s,
                                                               const audit_options& options);
// 2 > 3 > 1 > 0 (invariant 2).
[[nodiscard]] chain::verdict worse_of(chain::verdict a, chain::verdict b) noexcept;
// Whether an object of this digest falls in the slice to re-hash.
[[nodiscard]] bool in_sample(const crypto::sha256_digest& digest, std::uint32_t slice, std::uint32_t slices) noexcept;

}  // namespace bodycam::tools::audit
