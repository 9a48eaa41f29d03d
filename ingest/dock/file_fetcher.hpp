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
//  2. Each response must answer its request exactly: same file, same offset, and min(chunk, file length −
//     offset) bytes of the file length it declares — a reply for another file or offset, a short or an
//     oversized chunk fails the fetch (malformed) and nothing of it is written. The camera cannot make the dock
//     write outside the spool file or past the record's length + one chunk.
//  3. Up to `window` requests are in flight (sent before their answers arrived); answers are taken in the
//     order sent and written, hashed and walked in that order, so the bytes are seen exactly as a one-at-a-time
//     fetch sees them. A fetch that returns a result has received every answer it asked for (the port is ready
//     for the next request); one that returns an error may leave answers in flight, and the port must not be
//     used again (the dock session ends on it).
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

// Fetches the file (continuing a spool file) in requests of `chunk` bytes, `window` of them in flight, and
// checks it. Link errors are returned; a camera that answers
// with an error_response gives a result with camera_error set. With `fragments`, a fresh file's fragment
// structure is walked as its bytes arrive (fragments_checked); a resumed one is left to check_fragments.
[[nodiscard]] common::core::expected<fetch_result> fetch_file(
    camera_port& camera, const file_expectation& want, const std::filesystem::path& spool_dir, std::uint32_t chunk,
    std::size_t window, const std::optional<fragment_expectation>& fragments = std::nullopt);

// Moves the spool file (if any) into quarantine and writes the report; returns the quarantined path.
[[nodiscard]] common::core::expected<std::filesystem::path> quarantine_file(const file_expectation& want,
                                                                            const fetch_result& got,
                                                                            const std::filesystem::path& quarantine_dir,
                                                                            common::record::utc_time now);

}  // namespace bodycam::ingest::dock
