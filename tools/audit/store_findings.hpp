// What a store must hold besides a sound chain, checked the same way by `bodycam audit` and `bodycam verify
// STORE`: every file a record describes (present, of the recorded length, hashing to the recorded SHA-256), and
// every record and file a verified receipt says is stored. Each thing missing or altered is a store_finding
// with a stable reason code (docs/formats/store.md, "Reason codes") that names the device and seq, or the
// object's hash and file name. Reads through the store port only; writes nothing.
// Invariants:
//  1. check_stored_object is the only place that decides whether a stored object matches a record or a receipt:
//     absent is object_missing, fewer bytes object_short, more bytes object_oversize, other bytes
//     object_mismatch; an object not re-hashed (sampling) is `present`, never `verified`.
//  2. Only receipts whose signature verifies under the issuing dock's enrolled key make demands; every seq in
//     such a receipt's range that the store lacks is a receipt_record_missing finding, grouped into ranges.
//  3. An object a receipt lists and that no present record describes is checked too (its record may be the one
//     that was cut); an object expired under a signed retention entry is never a finding.
#pragma once

#include "common/chain/verifier.hpp"
#include "common/store/store.hpp"
#include "tools/audit/audit_report.hpp"
#include "tools/audit/store_finding.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bodycam::tools::audit {

struct object_check {
  object_state state = object_state::missing;  // verified, present, missing or mismatch
  std::optional<store_reason> problem;         // set exactly when state is missing or mismatch
  std::string detail;
};

// Invariant 1. `rehash` false checks presence and length only.
[[nodiscard]] common::core::expected<object_check> check_stored_object(const common::store::store& s,
                                                                       const crypto::sha256_digest& sha256,
                                                                       std::uint64_t byte_length, bool rehash);

// The objects a signed retention expiry entry names (deleted under policy, not missing).
[[nodiscard]] std::set<crypto::sha256_digest> expired_objects(const registers::register_book& retention);

// Every receipt of `device` in the store (names from list_entries(receipts)), parsed and checked against the
// dock key enrolled in the store; a receipt with a problem has `problem` set and signature_ok false.
[[nodiscard]] common::core::expected<std::vector<receipt_audit>> read_device_receipts(
    const common::store::store& s, const record::device_id& device, const std::vector<std::string>& names);

// Invariant 1 over every file the chain's records describe (segments, annotations that have a file, photos).
[[nodiscard]] common::core::expected<std::vector<store_finding>> check_described_objects(
    const common::store::store& s, const record::device_id& device, const chain::chain_report& chain,
    const std::set<crypto::sha256_digest>& expired);

// Invariants 2 and 3. `rehash` as for check_stored_object, for objects only a receipt names.
[[nodiscard]] common::core::expected<std::vector<store_finding>> check_receipt_coverage(
    const common::store::store& s, const record::device_id& device, const chain::chain_report& chain,
    const std::vector<receipt_audit>& receipts, const std::set<crypto::sha256_digest>& expired, bool rehash);

// {"reason", "device", "first_seq", "last_seq", "object", "file_name", "receipt", "detail", "explanation"}; absent
// fields are left out (docs/formats/json-reports.md).
[[nodiscard]] nlohmann::json store_finding_json(const store_finding& f);

}  // namespace bodycam::tools::audit
