// The seam between a per-camera dock session and the dock's scheduler and status (ingest/schedule,
// ingest/status): the session reports what it learns and does, and asks before each file whether to go on.
// Every member has a do-nothing default, so a session runs without a scheduler (tests, a one-camera dock).
// Called from the session's own thread; implementations synchronise themselves.
#pragma once

#include "common/record/ids.hpp"
#include "common/record/payloads.hpp"

#include <cstdint>
#include <string>

namespace bodycam::ingest::dock {

enum class alarm_kind {
  unknown_camera,    // the link's key is not enrolled under the device id the checkpoint names
  chain_refused,     // the chain does not verify (not authentic / cannot verify): nothing stored
  chain_rolled_back, // the camera's checkpoint is behind what the store holds
  chain_forked,      // a record the camera sends differs from the stored one at that seq
  file_quarantined,  // a file's bytes do not match its record: kept in quarantine, not stored
  store_full,        // the store refused a write with no_space: the session stopped, nothing lost
  store_failed,      // any other store error
  store_unreachable, // the store did not answer within its retry budget (errc::timeout): nothing acknowledged
  log_failed,        // what was stored could not be appended to the store log yet: kept queued, retried
};
[[nodiscard]] std::string_view to_string(alarm_kind kind) noexcept;

// One file (segment or annotation) the camera has and the store lacks, with its deadline's base.
struct pending_file {
  std::uint64_t record_seq = 0;
  std::string file_name;
  std::uint64_t byte_length = 0;
  common::record::utc_time recorded_utc{};  // the record's claimed UTC; the deadline is 24 h after it
};

struct camera_snapshot {
  common::record::device_id device;
  std::uint64_t chain_count = 0;      // records on the camera (checkpoint)
  std::uint64_t stored_count = 0;     // contiguous records in the store
  std::uint64_t pending_records = 0;
  std::uint64_t pending_bytes = 0;
  std::uint8_t battery_percent = 255; // 255 unknown
  std::uint64_t camera_free_bytes = 0;
};

class session_observer {
 public:
  virtual ~session_observer() = default;
  // After the checkpoint verified and the missing records were pulled and verified: what is pending.
  virtual void on_plan(const camera_snapshot& /*state*/, const std::vector<pending_file>& /*files*/) {}
  // Before fetching `file`: false stops the session here (the scheduler serves another camera first).
  [[nodiscard]] virtual bool may_fetch(const common::record::device_id& /*device*/, const pending_file& /*file*/) {
    return true;
  }
  // Before fetching `file` while files of this session fetched earlier are still being stored (dock_session
  // invariant 4): true lets it be fetched now, under the upload slot may_fetch granted; false makes the session
  // wait for those files' outcomes and then ask may_fetch. Must not block.
  [[nodiscard]] virtual bool may_fetch_more(const common::record::device_id& /*device*/,
                                            const pending_file& /*file*/) {
    return true;
  }
  virtual void on_stored(const common::record::device_id& /*device*/, std::uint64_t /*records*/,
                         std::uint64_t /*bytes*/) {}
  // A file is in the store and its stored copy re-hashed / it was quarantined or could not be fetched.
  virtual void on_file_stored(const common::record::device_id& /*device*/, const pending_file& /*file*/) {}
  virtual void on_file_failed(const common::record::device_id& /*device*/, const pending_file& /*file*/,
                              const std::string& /*reason*/) {}
  virtual void on_alarm(const common::record::device_id& /*device*/, alarm_kind /*kind*/,
                        const std::string& /*detail*/) {}
  virtual void on_receipt(const common::record::device_id& /*device*/, std::uint64_t /*end_seq*/) {}
};

}  // namespace bodycam::ingest::dock
