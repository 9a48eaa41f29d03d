// `bodycam export`: builds a court bundle (docs/formats/bundle.md) from a store for one session or for one
// device over a time range: the original files bit for bit, every record of the range plus the neighbouring
// record at each edge, the receipts and the docks' keys, the device keys, the clerk's access entry, report.json,
// report.txt, README.txt and SHA256SUMS.
// Invariants:
//  1. The access entry is stored in the store's access register before any byte is copied; if it cannot be
//     written nothing is exported (errc of the store).
//  2. Nothing is overwritten: the bundle is built in a hidden sibling folder, every file fsynced, and renamed
//     to `out` only when complete; an existing `out` is refused (already_exists).
//  3. Files are copied from the store streaming and re-hashed on the way; a copy that does not match its
//     record fails the export (corrupt) and leaves no bundle.
//  4. Once the access entry is stored, the export ends by storing its outcome in the access register
//     (docs/formats/access-register.md §3 rule 4): "completed <entry>" after the bundle is in place, or
//     "failed <entry>: <reason>" when no bundle was made. An outcome that cannot be stored is an error of its own
//     (the bundle, if made, stays).
//  5. The bundle carries the store log's checkpoint (the newest one a witness cosigned) and, for every record,
//     file, receipt, retention entry and key it holds, the item's leaf and inclusion proof, or lists the item as
//     not yet logged (tools/bundle/bundle_log.hpp, B1–B2); SHA256SUMS covers log/ like every other file.
//  6. Encrypted footage (a record with `encrypted`) is carried as its plaintext, decrypted only after the access
//     entry is stored (bundle_writer.hpp W3), with its proof in the manifest's `decrypted_files`
//     (docs/formats/bundle.md §2.1). Without footage_keys such a selection is refused before the access entry
//     (errc::permission naming the selection, the record and its file): nothing is read, nothing written.
//  7. Sealed to a recipient (seal_to, `bodycam export --to-recipient`): the plain bundle is built only inside a
//     private folder (mode 0700) beside `out`, sealed into `out` (sealed_bundle.hpp S1: durable, create-only,
//     0600) and the private folder removed; only then is the outcome "completed". If sealing fails, the private
//     folder is removed, nothing is at `out`, and the outcome is "failed <entry>: <reason>". No plain bundle is
//     ever at `out` or left beside it (a crash mid-export can leave the private folder, unreadable to others).
#pragma once

#include "common/store/store.hpp"
#include "tools/bundle/bundle_report.hpp"
#include "tools/bundle/sealed_bundle.hpp"
#include "tools/decryption/footage_key_chest.hpp"
#include "tools/registers/register_entry.hpp"

#include <filesystem>
#include <functional>
#include <optional>

namespace bodycam::tools::bundle {

struct selection {
  std::optional<common::record::session_id> session;  // one session (searched in every device), or
  std::optional<common::record::device_id> device;    // one device's records with claimed UTC in [from, to]
  common::record::utc_time from{};
  common::record::utc_time to{};
};

struct export_request {
  selection what;
  std::filesystem::path out;
  std::string clerk_id;
  std::string department;
  std::string reference;  // case or request number
  common::record::utc_time now{};
  // The agency footage keys, for encrypted footage (invariant 6); may be null when none is encrypted.
  decryption::footage_key_chest* footage_keys = nullptr;
  // Invariant 7: when set, `out` is the sealed bundle (one file) and no plain bundle is left anywhere.
  const common::crypto::footage_public_key* seal_to = nullptr;
  // Called after each file is copied (and re-hashed): files and bytes so far, of how many files; may be empty.
  std::function<void(std::size_t files, std::size_t file_count, std::uint64_t bytes)> on_progress;
};

struct export_result {
  std::filesystem::path bundle;
  std::string access_entry;   // "access/<clerk>.<seq>"
  std::string outcome_entry;  // "access/<clerk>.<seq+1>": "completed <clerk>.<seq>" (invariant 4)
  std::size_t records = 0;
  std::size_t files = 0;
  std::size_t decrypted = 0;                  // of the files, those carried decrypted (invariant 6)
  std::vector<std::string> footage_key_ids;   // the footage keys that opened them
  bool log_present = false;              // the store has a log; the bundle carries its checkpoint and proofs
  std::uint64_t log_tree_size = 0;       // the size of that checkpoint
  std::size_t log_proven = 0;            // items with an inclusion proof
  std::vector<std::string> log_unlogged; // bundle paths of items not in the log at that checkpoint
  std::vector<std::string> log_witnesses;  // who cosigned the checkpoint (empty: not witnessed)
  std::optional<sealed_bundle> sealed;     // invariant 7: what `out` holds when seal_to was set
};

[[nodiscard]] core::expected<export_result> export_bundle(common::store::store& s, const export_request& request,
                                                          crypto::signer& clerk);

// What an export request's scope asks for (docs/formats/access-register.md §3 rule 5): one session, or one
// device over a time range; a request must have exactly one scope (invalid_argument otherwise).
[[nodiscard]] core::expected<selection> selection_of_request(const tools::registers::register_entry& request);
// The scope an export request of `what` carries; `device` is the session's device when `what` is a session.
[[nodiscard]] tools::registers::scope request_scope(const selection& what, const common::record::device_id& device);

// RFC 3339 UTC ("2026-11-18T10:00:00Z", fraction allowed) for --from/--to.
[[nodiscard]] core::expected<common::record::utc_time> parse_utc(std::string_view text);

}  // namespace bodycam::tools::bundle
