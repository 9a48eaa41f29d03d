// One docking of one camera, from the dock's side (DESIGN.md §5):
// Each step is one member of dock_session.cpp's impl (check_in, pull_chain, resend_receipts, plan_files +
// store_files, witness, issue_receipt, append_to_log):
//   1. checkpoint: the camera signs its head; the link's key must be the key enrolled for the device it names;
//   2. pull every record the store lacks (from the store's contiguous count; the last stored one again, to
//      detect a fork; one the store holds past a gap must be the same bytes), verify them with the stored ones
//      from the excerpt's start on (invariant 6; common/chain verifier with the checkpoint) — refused and
//      alarmed if forked, rolled back or not authentic — and store the records the store lacks (create-only,
//      several at once, beside steps 3 and 4: invariant 5);
//   3. resend any receipt in the store the camera has not recorded (a dock that crashed after writing it), if
//      it verifies and every object it lists is in the store now; one that does not is alarmed, not sent, and
//      its range is fetched and receipted again (the camera never frees a file on a receipt the store belies);
//   4. fetch each file the store lacks into the spool (resuming a partial spool file), hashing each byte as it
//      arrives; check length, SHA-256 and fragments against its signed record; the store adopts the spool file
//      as the object (create-only, no copy; store.hpp adopt_object_file) or, where it cannot, puts its bytes;
//      check the stored copy (invariant 1); a mismatch is quarantined with a report, never stored;
//   5. witness the checkpoint with the dock's UTC (the camera records `timesync`), pull that tail, verify it as
//      an excerpt continuing the verified chain (common/chain verifier) and store it (beside the last files'
//      stores: invariant 4);
//   6. issue a receipt for the contiguous range from the last receipt up to the first record whose file is
//      not stored, store it (receipts/<device>.<first>-<end>) with the dock's key, and send it to the camera;
//   7. append what this docking created in the store to the store log (common/store_log); a failure is the
//      alarm log_failed, the keys stay queued for the next docking, and the footage is stored regardless.
// Invariants:
//  1. Nothing is stored from a chain that does not verify, and a receipt covers only records and files that are
//     stored and checked (receipt rule, docs/formats/receipt.md): a file's bytes were hashed as they arrived and
//     equal its record before the store took them, the stored copy's length equals the record's, and a sampled
//     slice of stored copies (session_settings::rehash_one_in) is re-read and re-hashed; an object that was
//     already stored is re-hashed by the store before it says so.
//  2. Resumable at every step: what is stored stays; the next session starts from the store's state, and a
//     partially fetched file continues from its spool file (a bad resumed file is fetched again once, whole).
//  3. The session never deletes anything from the store or the camera.
//  4. Step 4 overlaps the link and the store: the session's thread fetches and checks file after file while
//     at most `store_depth` files that matched their records are adopted by store workers (which touch
//     neither the camera nor the observer). Every outcome is reported on the session's thread, and every file
//     fetched is stored and reported before the session issues a receipt (step 6) or ends on an error: the
//     first error (link or store) stops the fetching, never a store already under way. Once the last file is
//     fetched without an error, step 5 (the timesync; its tail pulled, verified and its puts begun) runs on the
//     session's thread while the last files are still being stored.
//  5. Step 2's new records are put by a worker while the session goes on with steps 3 and 4 (receipts resent,
//     files looked up, the first file fetched into the spool); the session waits for them, and reports every
//     one on its own thread, before it hands a file to the store, and before step 5 or the end, on an error
//     too. So no file is stored before the records that name it, and a record that failed stops the
//     session before any file is stored.
//  6. A docking reads back only an excerpt of what the store holds, not the camera's whole history: the stored
//     records from the end of the device's last stored receipt, or from the last stored record if that is
//     earlier, verified with the camera's new ones and its checkpoint as an excerpt (the stored records before
//     were verified when they were stored; the store never changes them, and `bodycam audit` checks it whole),
//     and the stored receipts ending there or later. If none of those receipts is recorded by the camera or can
//     be resent, the rest of the chain is read and verified from seq 0 and the older receipts looked at too.
#pragma once

#include "common/link/key_directory.hpp"
#include "common/store/store.hpp"
#include "common/store_log/log_queue.hpp"
#include "ingest/dock/camera_port.hpp"
#include "ingest/dock/session_observer.hpp"

#include <filesystem>
#include <functional>
#include <optional>

namespace bodycam::ingest::dock {

struct dock_identity {
  std::string dock_id;               // the dock's label (device-id charset)
  common::crypto::signer* signer{};  // signs witnesses and receipts
};

struct session_settings {
  std::filesystem::path spool_dir;       // partial downloads: <spool>/<device>/<sha256>.part
  std::filesystem::path quarantine_dir;  // outside the store: <quarantine>/<device>/<seq>-<file> + .report.json
  std::uint32_t records_per_request = 512;
  std::uint32_t file_chunk = common::offload::max_file_chunk;
  // File requests in flight at once (file_fetcher.hpp invariant 3); 1 is stop-and-wait. 4 × 60 000 bytes keep
  // a link with a 1 ms round trip busy up to 240 MB/s; on loopback, where the link is CPU-bound, 16 measured
  // slower than 1 or 4 with 8 cameras (docs/performance.md, pipelined chunk requests).
  std::size_t file_window = 4;
  // Fetched files being stored at once while the session fetches the next (invariant 4): the link and the
  // store work side by side, and a store with room for concurrent writes (S3) gets several. 0 is the
  // stop-and-wait of before (each file stored before the next is fetched). Each file being stored may hold its
  // bytes in memory (the S3 store's single PUT sends its spool file mapped, up to its multipart threshold:
  // page cache, not heap). 6: on a 2-core dock beside a
  // Ceph gateway one camera's docking of 134 MB into S3 took a median 0.74 s against 0.78 s with 3 (each PUT
  // waits on the gateway's round trips, not on the dock's CPU; docs/performance.md, "Six files stored at once").
  std::size_t store_depth = 6;
  // The stored copy of a file is re-read and re-hashed when the first byte of its SHA-256 is a multiple of
  // this (16: about one file in 16; 1: every file; 0: none); its length is always checked (invariant 1).
  std::uint32_t rehash_one_in = 16;
  std::function<common::record::utc_time()> clock;  // the dock's UTC
  common::store_log::log_queue* log = nullptr;      // step 7; none: nothing is logged (tests of other steps)
};

struct session_summary {
  common::record::device_id device;
  std::uint64_t chain_count = 0;       // the camera's records at the end of the session
  std::uint64_t records_stored = 0;    // newly stored this session
  std::uint64_t records_read = 0;      // stored records read back to verify the chain (invariant 6)
  std::uint64_t files_stored = 0;
  std::uint64_t bytes_stored = 0;
  std::uint64_t bytes_fetched = 0;     // file bytes received from the camera
  std::uint64_t files_quarantined = 0;
  std::optional<std::uint64_t> receipt_end;  // end_seq of the receipt sent this session
  std::optional<std::uint64_t> timesync_seq;
  std::optional<std::uint64_t> log_size;  // the store log's size after step 7
  bool stopped_by_scheduler = false;
};

class dock_session {
 public:
  dock_session(dock_identity dock, common::store::store& store, const common::link::key_directory& cameras,
               session_settings settings, session_observer* observer = nullptr);
  dock_session(const dock_session&) = delete;
  dock_session& operator=(const dock_session&) = delete;

  // Runs one docking over `camera`. Errors: the link failed (resume next time), the camera is unknown
  // (permission), its chain is refused (corrupt / conflict), the store is full (no_space) or failed.
  [[nodiscard]] common::core::expected<session_summary> run(camera_port& camera);

 private:
  struct impl;
  dock_identity dock_;
  common::store::store& store_;
  const common::link::key_directory& cameras_;
  session_settings settings_;
  session_observer fallback_observer_;
  session_observer* observer_;
};

}  // namespace bodycam::ingest::dock
