// What to do at boot with a segment that was still being written when power was lost (DESIGN.md §4
// "Power loss"). Pure: the ledger's fragment rows and the hashes of the same byte ranges as read back from
// the file go in; the plan for the `segment` and `recovery` records comes out. The adapter
// (segment_salvage) reads the file and the ledger and carries the plan out. From the same record summaries
// it also finds the session left open (resumed at boot) and the last automatic stop with nothing started
// after it (resumed by a start within the resume window, also after a reboot).
// Invariants:
//  1. The kept fragments are the longest prefix of the ledger's fragments whose bytes are in the file with
//     the recorded SHA-256; the first mismatch or missing range ends the prefix (later ones are not trusted).
//  2. Nothing is cut: byte_length is the whole file; every byte after the kept prefix is unsigned tail.
//  3. signed_bytes + unsigned_tail_bytes == byte_length.
#pragma once

#include "common/crypto/sha256.hpp"
#include "common/ledger/file_entry.hpp"
#include "common/record/payloads.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bodycam::firmware::session {

struct salvage_input {
  std::uint64_t file_size = 0;
  std::uint64_t init_length = 0;  // ftyp+moov (the first fragment's offset, or from a box walk)
  std::vector<common::ledger::fragment_entry> fragments;                // from the ledger, index order
  std::vector<std::optional<common::crypto::sha256_digest>> on_disk;   // hash of each fragment's range; nullopt = short file
};

struct salvage_plan {
  std::uint32_t kept_fragments = 0;
  std::uint64_t signed_bytes = 0;  // init + kept fragments
  std::uint64_t unsigned_tail_bytes = 0;
  std::uint64_t byte_length = 0;
  common::crypto::sha256_digest fragment_root;  // RFC 6962 over the kept fragments' hashes
  std::string detail;
};

[[nodiscard]] salvage_plan plan_salvage(const salvage_input& input);

// A minimal view of a record, enough to find a session left open or one a start would resume.
struct record_summary {
  common::record::record_kind kind = common::record::record_kind::boot;
  common::record::session_id session;  // for session_start, session_resume, session_stop, segment
  std::uint32_t segment_index = 0;     // for segment
  common::record::utc_time utc{};
  std::uint64_t seq = 0;
  common::record::stop_reason stop = common::record::stop_reason::officer_end;  // for session_stop
};

struct open_session {
  common::record::session_id session;
  std::uint32_t next_segment_index = 0;  // one past the highest segment index of the session
  common::record::utc_time last_record_utc{};  // the last record's claimed UTC: the gap starts there
};

// The last session_start or session_resume with no session_stop after it, if any.
[[nodiscard]] std::optional<open_session> find_open_session(std::span<const record_summary> records);

// An automatic stop (low battery, storage full, fault) a start may resume.
struct resumable_stop {
  common::record::session_id session;
  std::uint64_t stop_seq = 0;                  // the session_stop the resume names
  common::record::stop_reason reason = common::record::stop_reason::low_battery;
  common::record::utc_time stop_utc{};         // the stop's claimed UTC: the window starts there
  std::uint32_t next_segment_index = 0;        // one past the highest segment index of the session
};

// True for the stop reasons the camera chose itself (the officer did not stop, nor was the daemon shut down).
[[nodiscard]] bool is_automatic_stop(common::record::stop_reason reason) noexcept;

// The last session_stop, if it was automatic and no session_start or session_resume came after it.
[[nodiscard]] std::optional<resumable_stop> find_resumable_stop(std::span<const record_summary> records);

// Whether a start at `now` still resumes: now - stop_utc <= window. A claimed UTC before the stop (the clock
// was set back across a reboot) counts as within: the records say which stop it resumes either way.
[[nodiscard]] bool within_resume_window(const resumable_stop& stop, common::record::utc_time now,
                                        std::chrono::milliseconds window) noexcept;

}  // namespace bodycam::firmware::session
