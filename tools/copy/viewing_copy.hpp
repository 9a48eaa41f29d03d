// A viewing copy of one session for people outside (docs/formats/viewing-copy.md): the session's segments out
// of the store, remuxed into one ordinary MP4 that desktop players play and seek (av_remux.hpp), with a
// signed manifest beside it (copy_manifest.hpp). The copy is for watching, not evidence: the originals in the
// store are, and the manifest says which originals and how the copy relates to them.
// Invariants:
//  1. The access entry (action `viewing_copy`, or the caller's) is stored before any byte of footage is read;
//     if it cannot be, nothing is read. Once it is stored an outcome entry follows it whatever happens
//     (tools/registers/access_outcome.hpp): completed when copy and manifest are in place, failed otherwise.
//  2. Every segment is re-hashed against its record as it is read. A segment that is missing, expired or does
//     not match refuses the whole copy (errc::corrupt for a mismatch, errc::not_found otherwise), naming the
//     segment — unless allow_gaps, which leaves it out, keeps its time as a real gap in the copy and lists it
//     in the manifest with the reason.
//  3. Nothing is written inside the store except the two access entries through its create-only API;
//     segments are staged in `work_dir` (outside the store) and removed afterwards, whatever happens.
//  4. The copy appears only complete and never replaces a file: written to a temporary name beside it,
//     synced, linked to its name create-only, the folder synced; then the manifest the same way
//     (write_file_durably, create-only). A failure leaves neither (a manifest never names a missing copy).
//  5. An encrypted segment (its record carries `encrypted`) is staged as its plaintext, decrypted only after the
//     access entry (tools/decryption/stored_footage.hpp: ciphertext and plaintext checked against the record;
//     a failure to authenticate counts as a mismatch). Without footage_keys, make_viewing_copy refuses an
//     encrypted session before the access entry (errc::permission naming the segment); the staged plaintext is
//     0600 in work_dir and removed like any staged segment.
#pragma once

#include "common/store/store.hpp"
#include "tools/copy/copy_manifest.hpp"
#include "tools/decryption/footage_key_chest.hpp"

#include <filesystem>
#include <optional>

namespace bodycam::tools::copy {

struct copy_request {
  common::record::device_id device;
  common::record::session_id session;
  std::filesystem::path out;       // the copy; the manifest is manifest_path_of(out)
  std::filesystem::path work_dir;  // staging folder outside the store; empty: out's folder
  bool allow_gaps = false;
  std::string person;  // whose register the access entry goes into (the signer's id)
  std::string department;
  std::string reference;
  std::string action = "viewing_copy";
  decryption::footage_key_chest* footage_keys = nullptr;  // for encrypted segments (invariant 5)
  common::record::utc_time now{};
};

struct copy_done {
  std::string access_entry;   // "access/<person>.<seq>"
  std::string outcome_entry;  // the entry after it
  std::filesystem::path manifest_path;
  viewing_manifest manifest;
};

// "<out>.manifest.json".
[[nodiscard]] std::filesystem::path manifest_path_of(const std::filesystem::path& out);

[[nodiscard]] common::core::expected<copy_done> make_viewing_copy(common::store::store& s, const copy_request& request,
                                                                  common::crypto::signer& by);

// A segment record of the session and the file it names (for an access entry's objects).
struct segment_ref {
  std::uint64_t seq = 0;
  common::crypto::sha256_digest sha256;
  std::uint64_t bytes = 0;
  bool encrypted = false;  // the record carries `encrypted`: the file is encrypted footage
};
// Every segment record of the session, in seq order (errc::not_found if none).
[[nodiscard]] common::core::expected<std::vector<segment_ref>> session_segments(
    const common::store::store& s, const common::record::device_id& device, const common::record::session_id& session);

// Invariants 2-4 without the register: for a caller that has stored the access entry `access_entry` itself
// (invariant 1 is then the caller's, as is the outcome entry) — the console, which answers the copy it built.
[[nodiscard]] common::core::expected<copy_done> build_viewing_copy(const common::store::store& s,
                                                                   const copy_request& request,
                                                                   std::string access_entry,
                                                                   common::crypto::signer& by);

// What the check of a copy against its manifest (and the store, if given) found.
struct copy_check {
  bool manifest_signed = false;       // the signature verifies under the key the manifest names
  bool copy_matches = false;          // the copy's SHA-256 and length are the manifest's
  std::size_t originals_checked = 0;  // segments whose record and stored file matched the manifest
  std::size_t left_out = 0;           // segments the manifest lists as gaps
  std::vector<std::string> problems;  // each one sentence naming what and where
  [[nodiscard]] bool authentic() const noexcept { return manifest_signed && copy_matches && problems.empty(); }
};

// The copy's bytes against the manifest; with a store, also each original: its record says the manifest's
// SHA-256, the stored file re-hashes to it; and the access entry the manifest names is in the register,
// signed by `made_by` with the key that signed the manifest (whether that key is enrolled is the audit's
// check of every access entry).
[[nodiscard]] common::core::expected<copy_check> check_viewing_copy(const std::filesystem::path& copy_file,
                                                                    const std::filesystem::path& manifest_file,
                                                                    const common::store::store* s);

}  // namespace bodycam::tools::copy
