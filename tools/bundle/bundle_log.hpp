// The store-log part of a court bundle (docs/formats/bundle.md §6): a checkpoint of the store's log with the
// witnesses' cosignatures, and for every item the bundle carries, the store leaf that names its bytes and an RFC
// 6962 inclusion proof to that checkpoint's tree. Export collects them from the store (`collect_log_proofs`);
// verify checks them offline (`check_bundle_log`).
// Invariants:
//  B1. A proof is written only for a leaf the store's log really holds at the bundle's checkpoint, and only after
//      it verified against that checkpoint's root; an item whose key has no leaf there is listed as unlogged,
//      never given a made-up proof.
//  B2. The checkpoint is the newest one a witness found in the store (the enrollment register under the store's
//      own root) cosigned, with the cosignature lines exactly as stored; without one, the newest checkpoint.
//  B3. Verify accepts a proven item only if its leaf names the SHA-256 of the bytes in the bundle and the store
//      key those bytes belong to, the proof leads to the checkpoint's root, and the checkpoint verifies under the
//      dock key the bundle carries; a cosignature counts only under a witness key the verifier was given.
//  B4. Unlogged items and a checkpoint no trusted witness cosigned are documented gaps (exit 1 at best); a
//      bundle item without a proof and not declared unlogged, a leaf for other bytes, a proof that does not
//      verify, a checkpoint not signed by the bundle's dock key, or a forged cosignature are not authentic.
#pragma once

#include "common/store/store.hpp"
#include "common/tlog/proof.hpp"
#include "tools/audit/log_check.hpp"
#include "tools/bundle/bundle_verify.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bodycam::tools::bundle {

inline constexpr std::string_view log_checkpoint_name = "log/checkpoint";
inline constexpr std::string_view log_proofs_name = "log/proofs.json";
inline constexpr std::string_view log_proofs_format = "bodycam-bundle-log-proofs";

// The store key a bundle file belongs to, from its path and the SHA-256 of its bytes: files/… are objects
// (objects/sha256/<hex>); records/, receipts/, retention/ and keys/ keep their path. Empty for everything else
// (the export's own access entry, the report, the manifest, log/…).
[[nodiscard]] std::string store_key_of_bundle_file(std::string_view path, const crypto::sha256_digest& sha256);

struct log_proof_item {
  std::string file;  // the bundle path
  std::string leaf;  // the store leaf, exactly (docs/formats/log.md §4.6)
  std::uint64_t index = 0;
  common::tlog::proof proof;
};

struct bundle_log_proofs {
  bool present = false;         // the store has a log
  std::string checkpoint_note;  // for log/checkpoint
  std::uint64_t tree_size = 0;
  std::string signed_by;                 // the dock whose key signed the checkpoint
  std::vector<std::string> witnesses;    // who cosigned it (B2); empty: not witnessed
  std::vector<log_proof_item> items;
  std::vector<std::string> unlogged;     // bundle paths of items not in the log at tree_size
};

// `files`: bundle path -> SHA-256 of its bytes (what SHA256SUMS lists). Errors: the store's log cannot be read.
[[nodiscard]] core::expected<bundle_log_proofs> collect_log_proofs(common::store::store& s,
                                                                   const std::map<std::string, crypto::sha256_digest>& files);
[[nodiscard]] std::string format_proofs_json(const bundle_log_proofs& proofs);
// The manifest's "log" member: null when the store has no log.
[[nodiscard]] nlohmann::json manifest_log_json(const bundle_log_proofs& proofs);

struct bundle_log_check {
  std::vector<bundle_finding> findings;
  std::uint64_t documented_gaps = 0;
  std::vector<std::string> notes;
  std::uint64_t proven = 0;
};

// B3, B4. `good_files`: listed paths present with the hash SHA256SUMS states.
[[nodiscard]] bundle_log_check check_bundle_log(const std::filesystem::path& dir, const nlohmann::json& manifest,
                                                const std::map<std::string, crypto::sha256_digest>& good_files,
                                                const std::vector<audit::trusted_witness>& witnesses);

}  // namespace bodycam::tools::bundle
