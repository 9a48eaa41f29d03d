// Fetching one file from a camera into the dock's spool directory, resumable, and checking it against its
// signed record; and quarantining a file that does not match.
// Spool: <spool>/<device>/<sha256 hex>.part, appended range by range; a later session continues from its
// length (so a link cut mid-file does not re-send what arrived). Quarantine: the bytes the camera sent, moved
// to <quarantine>/<device>/<seq>-<file name>[.N], and a JSON report beside them, both durable.
// Invariants:
//  1. A fetched file is reported good only if its length and SHA-256 (of the bytes written to the spool file:
//     hashed as they arrive, or re-read whole when resumed) equal the record's; anything else is a mismatch
//     with what was found. The spool is not fsynced here: the store syncs the file once when it adopts it as
//     the object (store.hpp adopt_object_file); so the spool directory belongs on the store's file system.
//  2. Each response must answer the request (same file, same offset); the camera cannot make the dock write
//     outside the spool file or past the file length it declared (+ at most one chunk).
#pragma once

#include "common/crypto/sha256.hpp"
#include "ingest/dock/camera_port.hpp"
#include "ingest/dock/fragment_check.hpp"
#include "ingest/dock/session_observer.hpp"

#include <filesystem>
#include <string>

namespace bodycam::ingest::dock {

struct file_expectation {
  common::record::device_id device;
  std::uint64_t record_seq = 0;
  std::string file_name;
  std::uint64_t byte_length = 0;
  common::crypto::sha256_digest sha256;
};

struct fetch_result {
  std::filesystem::path spool_file;
  bool matches = false;                 // length and SHA-256 equal the record's
  std::uint64_t actual_length = 0;
  common::crypto::sha256_digest actual_sha256;
  std::uint64_t bytes_received = 0;     // over the link in this call
  bool resumed = false;                 // continued an existing spool file
  std::string camera_error;             // the camera refused to serve it (then matches is false)
  bool fragments_checked = false;       // the fragment walk ran on the bytes as they arrived (a fresh file)
  std::string fragment_problem;         // what it found, or the caller's check_fragments (fragment_check.hpp)
};

// Fetches the file (continuing a spool file) and checks it. Link errors are returned; a camera that answers
// with an error_response gives a result with camera_error set. With `fragments`, a fresh file's fragment
// structure is walked as its bytes arrive (fragments_checked); a resumed one is left to check_fragments.
[[nodiscard]] common::core::expected<fetch_result> fetch_file(
    camera_port& camera, const file_expectation& want, const std::filesystem::path& spool_dir, std::uint32_t chunk,
    const std::optional<fragment_expectation>& fragments = std::nullopt);

// Moves the spool file (if any) into quarantine and writes the report; returns the quarantined path.
[[nodiscard]] common::core::expected<std::filesystem::path> quarantine_file(const file_expectation& want,
                                                                            const fetch_result& got,
                                                                            const std::filesystem::path& quarantine_dir,
                                                                            common::record::utc_time now);

}  // namespace bodycam::ingest::dock
