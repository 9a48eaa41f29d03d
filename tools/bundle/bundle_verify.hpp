// `bodycam verify BUNDLE`: checks a court bundle offline, from its own files only (no store, no network),
// and says why, with stable reason codes naming the file and the record (docs/formats/bundle.md §5).
// Invariants:
//  1. Nothing outside the bundle is read: every path comes from the bundle's own walk, symlinks are never
//     followed, and a listed path that could escape (`../`, absolute, hidden) is reported unsafe_path and not
//     opened.
//  2. Every file but SHA256SUMS is listed in it with its hash, and every listed file is present and matches;
//     each record's signature and chain link verifies under the device key in the bundle; every file a record
//     in the selected range describes is present with the recorded length and SHA-256, unless a signed
//     expiry event in the bundle says it expired under the retention policy (a documented gap).
//  3. The manifest's ranges are those the clerk's signed access entry states; receipts verify under the
//     issuing dock's key in the bundle; report.json and report.txt equal what the content gives.
//  4. The verdict: any finding of invariants 1-3 or 5 → not_authentic (2); the bundle cannot be read (no
//     SHA256SUMS or manifest, no device key) → cannot_verify (3); else documented gaps → 1; else 0.
//  5. The store-log part (bundle_log.hpp, B3–B4): every item is proven in the checkpoint's tree, or listed as
//     not yet logged (a documented gap); a witness the caller trusts must have cosigned the checkpoint.
//  6. A file whose record carries `encrypted` is authentic as the stored ciphertext (file_sha256) or as the
//     plaintext the record states, and then only with a manifest `decrypted_files` entry stating the record's
//     hashes and lengths (else manifest_mismatch); its store-log proof is that of the ciphertext.
#pragma once

#include "tools/audit/log_check.hpp"
#include "tools/bundle/bundle_report.hpp"

#include <filesystem>

namespace bodycam::tools::bundle {

struct bundle_finding {
  std::string code;    // unsafe_path, extra_file, file_missing, checksum_mismatch, record_missing, <chain reason>,
                       // object_missing, object_mismatch, bad_access_entry, manifest_mismatch, bad_receipt,
                       // receipt_mismatch, report_mismatch, expired_under_policy, bundle_unreadable, key_missing,
                       // log_bad_signature, log_bad_cosignature, log_unwitnessed, log_proof_invalid,
                       // log_leaf_mismatch, log_proof_missing, log_item_unlogged, plaintext_unstated
  std::string file;    // the bundle path it concerns, if any
  std::string record;  // "records/<device>/<seq>", if any
  std::string detail;
};

struct bundle_report {
  std::vector<bundle_finding> findings;
  std::vector<device_part> devices;
  std::uint64_t documented_gaps = 0;
  std::uint64_t log_proven = 0;      // items whose store-log inclusion proof verified
  std::vector<std::string> log_notes;
  chain::verdict verdict = chain::verdict::cannot_verify;
};

struct bundle_verify_options {
  std::vector<audit::trusted_witness> witnesses;  // required cosigners of the log checkpoint (one suffices)
};

[[nodiscard]] bundle_report verify_bundle(const std::filesystem::path& dir, const bundle_verify_options& options = {});
// The records of the manifest's devices, read from <dir>/records/<device>/ and verified as an excerpt under
// <dir>/keys/<device>.pub. Export uses it to write the report the bundle will be checked against.
[[nodiscard]] core::expected<std::vector<device_part>> verify_bundle_records(const std::filesystem::path& dir,
                                                                             const nlohmann::json& manifest);
[[nodiscard]] std::string bundle_report_text(const bundle_report& report);
[[nodiscard]] nlohmann::json bundle_report_json(const bundle_report& report);

}  // namespace bodycam::tools::bundle
