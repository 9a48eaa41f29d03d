// The audit's store-log check: nothing the store log ever listed may be gone or changed unseen
// (docs/formats/log.md §4.9, reason codes in docs/formats/store.md §5.1).
// Invariants:
//  L1. The newest checkpoint counts only if its note verifies under the key of a dock: an enrolled dock of the
//      register read under the auditor's root (any grant: a checkpoint states no time), else (no root, no
//      register) a key in the store's keys/ with a note that this is not confirmed. Otherwise
//      `log_bad_signature`, not authentic.
//  L2. The witnessed checkpoint is the largest size N with a cosignature, by a trusted witness (--witness, else
//      every enrolled witness; quorum 1), that verifies over the stored log/checkpoint/<N>. A trusted witness's
//      cosignature that does not verify over the stored checkpoint of its size, or whose checkpoint is gone, is
//      `log_inconsistent`: the log was rewritten after the witness saw it.
//  L3. The newest checkpoint must be consistent with the witnessed one (a consistency proof from the store's
//      tiles, authenticated against the newest root) and its root must be the Merkle tree hash of the leaves
//      in the entry bundles; otherwise `log_inconsistent`.
//  L4. Every leaf's key (the first leaf of a key counts) is in the store with the leaf's SHA-256: an object's name
//      is its hash, so it must be present, and is re-hashed when in the audit's --sample slice; any other item
//      is re-hashed. Absent: `log_item_missing`; other bytes: `log_item_changed`. An object a retention expiry
//      event deleted is not a finding.
//  L5. No witnessed checkpoint: `log_unwitnessed`, verdict at best authentic with gaps (a rewrite of the whole
//      log by someone holding a dock key cannot be ruled out). A store without log/ (made before the log) is
//      audited as before, with a note; stored items the log does not list yet are a note (the dock logs them at
//      its next start).
#pragma once

#include "common/store/store.hpp"
#include "tools/audit/audit_report.hpp"
#include "tools/audit/enrollment_check.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bodycam::tools::audit {

struct trusted_witness {
  std::string name;  // the cosignature's key name
  crypto::public_key key;
};

struct log_finding {
  std::string code;  // log_item_missing, log_item_changed, log_inconsistent, log_unwitnessed, log_bad_signature
  std::string item;  // the store key concerned (or log/checkpoint/<N>)
  std::string detail;
};

struct log_audit {
  bool present = false;  // the store has a log (a checkpoint)
  std::uint64_t size = 0;
  std::string signed_by;  // the dock whose key verified the newest checkpoint
  std::optional<std::uint64_t> witnessed_size;
  std::vector<std::string> witnesses;  // who cosigned the witnessed checkpoint
  std::size_t items_checked = 0;
  std::size_t items_expired = 0;
  std::size_t unlogged = 0;  // stored items without a leaf yet
  std::vector<log_finding> findings;
  std::vector<std::string> notes;
  chain::verdict verdict = chain::verdict::authentic;
};

struct log_check_options {
  std::optional<trusted_root> root;
  std::vector<trusted_witness> witnesses;  // empty: every enrolled witness
  std::uint32_t sample_slice = 1;
  std::uint32_t sample_slices = 1;
};

[[nodiscard]] common::core::expected<log_audit> check_store_log(common::store::store& s, const audit_report& report,
                                                                const log_check_options& options);
// The same check for a caller without an audit report (`bodycam verify STORE`): `expired_objects` holds the keys
// (objects/sha256/<hex>) that a retention expiry event deleted.
[[nodiscard]] common::core::expected<log_audit> check_store_log_excluding(
    common::store::store& s, const std::set<std::string>& expired_objects, const log_check_options& options);

// The newest checkpoint a trusted witness cosigned (L2, the same choice as check_store_log's), as a bundle
// carries it: the stored note followed by each valid trusted cosignature line exactly as stored.
struct witnessed_checkpoint {
  std::string note;
  std::uint64_t size = 0;
  std::vector<std::string> witnesses;
};
// nullopt when no checkpoint is cosigned by a trusted witness (or the store has no log).
[[nodiscard]] common::core::expected<std::optional<witnessed_checkpoint>> find_witnessed_checkpoint(
    common::store::store& s, const log_check_options& options);
[[nodiscard]] std::string render_log_text(const log_audit& l);
[[nodiscard]] nlohmann::json render_log_json(const log_audit& l);

}  // namespace bodycam::tools::audit
