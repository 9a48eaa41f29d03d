// What the dock daemon knows about its slots, fed by the per-camera sessions (it is their session_observer)
// and read by the HTTP status server as a dock_status snapshot. Thread-safe: sessions run on their own
// threads, the status server on the daemon's io_context. It also writes one log line per notable event.
// With a queue (ingest/schedule queue_store, the dock's state_db) it also keeps every pending file as a work
// item there (enqueued when planned, in_progress when fetched, done when stored and re-hashed, failed with the
// reason otherwise), so the dock's queue survives restarts, and it is where the deadline scheduler runs:
//  M1. One rule for alarms: the deadline part of the status (dock/slot alarm, pending, slack, deadlines,
//      throughput, drain) is the last `assess_schedule` of the queue's pending items (apply_schedule); the
//      monitor computes no alarm of its own. Without a queue there is no assessment and every slot is ok.
//  M2. Re-assessed after every plan, stored or failed file, and whenever the daemon's timer calls reassess();
//      each alarm transition (alarm_tracker) is written to the queue's alarm log and to the log function.
//  M3. EDF across cameras: before a file is fetched, may_fetch waits for one of the dock's upload slots
//      (upload_gate), granted to the waiting camera whose file has the earliest deadline. While files it
//      fetched are still being stored (dock_session invariant 4), the camera may fetch its next file under the
//      slot it holds (may_fetch_more) only if no waiting camera's file is due earlier (upload_arbiter invariant
//      4); otherwise its session waits for its files' outcomes and queues again. The slot is given back when
//      the last file fetched under it is stored or failed, or by end_session() if the session ended in
//      between. A camera not served within `slot_wait` gets `false` (its session ends, stopped_by_scheduler,
//      with a receipt for what is stored) so its link never idles into the camera's timeout; its worker docks
//      it again shortly.
//  M4. Throughput: each file fetched and stored is one sample of the EWMA the scheduler projects with: its
//      bytes over the steady time from its grant, or from the slot's previous stored file if that came later
//      (files stored side by side share the slot's time rather than each counting all of it), to stored;
//      failures add no sample. The status calls it
//      measured once there is a sample, with the number of samples and the UTC window they were taken in, and
//      "assumed" (the configured starting value) before.
//  M5. A slot's presence changes only on what the worker learnt (set_connected, set_presence), and its
//      `presence_since` is when it last changed, so a camera absent for hours says so since hours.
//  M6. The store's availability has a since: it changes on a probe's result (set_store_probe), a store alarm
//      of a session (down) or a receipt (up); a probe that succeeds does not clear a session's store failure
//      (the probe only reads), only a receipt does, except store_unreachable: the store not answering at all
//      is cleared by any answer, a probe's too. The status names the store alarm (store_alarm).
#pragma once

#include "ingest/dock/dock_session.hpp"
#include "ingest/dockd/upload_gate.hpp"
#include "ingest/dockd/witness_submitter.hpp"
#include "ingest/schedule/alarm_tracker.hpp"
#include "ingest/schedule/deadline_schedule.hpp"
#include "ingest/schedule/queue_store.hpp"
#include "ingest/schedule/throughput_meter.hpp"
#include "ingest/status/dock_status.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace bodycam::ingest::dockd {

struct monitor_options {
  schedule::schedule_policy policy;  // the deadline rules A1-A3 (ingest/schedule/deadline_schedule.hpp)
  schedule::throughput_options throughput;
  std::size_t upload_slots = 1;  // cameras uploading at once (M3); each may store several files side by side
  std::chrono::milliseconds slot_wait{std::chrono::seconds(5)};  // longest wait for one; then may_fetch says no
};

// What a failed link_camera_port::connect says about the slot: absent when the TCP connection itself failed
// (refused, unreachable, timed out: its error starts "connect to camera"), refused when something answered but
// the handshake did not complete.
[[nodiscard]] status::slot_presence presence_after_link_failure(const common::core::error& error);

class dock_monitor final : public dock::session_observer {
 public:
  using log_function = std::function<void(const std::string&)>;
  dock_monitor(std::string dock_id, std::function<common::record::utc_time()> clock, log_function log,
               monitor_options options = {});
  // Keeps the work items in `queue` from now on (optional) and assesses what it holds (M1, M2).
  void use_queue(schedule::queue_store queue);
  // Re-assesses the queue now (M2); the daemon calls it on a timer.
  void reassess();

  // Which slot the calling session serves (set by the worker before a session and when it ends).
  void begin(const std::string& slot);
  // connected: docked, link up. Not connected without error: docked, the docking ended well. With an error:
  // the docking failed (M5).
  void set_connected(const std::string& slot, bool connected, const std::string& error = {});
  // No link came up: absent (nothing answered) or refused (the handshake failed), with the reason (M5).
  void set_presence(const std::string& slot, status::slot_presence presence, const std::string& reason);
  void finish(const std::string& slot, const dock::session_summary& summary);
  // The calling worker's session is over (whatever its result): gives back its upload slot (M3).
  void end_session(const std::string& slot);
  void set_store_error(const std::string& error);
  // The witnesses the dock submits to (not_tried until the first submission), and each submission's outcome:
  // unreachable and refused raise the witness's alarm, a cosignature clears it; transitions are logged.
  void set_witnesses(const std::vector<witness_endpoint>& witnesses);
  void on_witness(const witness_submission& submission);
  // The result of probe_store (M6).
  void set_store_probe(const common::core::status& probe);

  // Stops sessions between files (may_fetch answers false, waiting ones wake up) once set.
  void request_stop() {
    stopping_ = true;
    gate_.stop();
  }

  void on_plan(const dock::camera_snapshot& state, const std::vector<dock::pending_file>& files) override;
  [[nodiscard]] bool may_fetch(const common::record::device_id& device, const dock::pending_file& file) override;
  [[nodiscard]] bool may_fetch_more(const common::record::device_id& device, const dock::pending_file& file) override;
  void on_stored(const common::record::device_id& device, std::uint64_t records, std::uint64_t bytes) override;
  void on_alarm(const common::record::device_id& device, dock::alarm_kind kind, const std::string& detail) override;
  void on_receipt(const common::record::device_id& device, std::uint64_t end_seq) override;
  void on_file_stored(const common::record::device_id& device, const dock::pending_file& file) override;
  void on_file_failed(const common::record::device_id& device, const dock::pending_file& file,
                      const std::string& reason) override;

  [[nodiscard]] status::dock_status snapshot() const;
  // Sessions queued at the upload gate right now (a slot's activity says "waiting" a moment before it queues).
  [[nodiscard]] std::size_t waiting_for_upload() const { return gate_.waiting(); }

 private:
  [[nodiscard]] status::slot_status& slot_of(const common::record::device_id& device);
  // The queue id of a file's work item (enqueued if new); nullopt without a queue or on a queue error (logged).
  [[nodiscard]] std::optional<std::uint64_t> item_of(const common::record::device_id& device, const dock::pending_file& f);
  void reassess_locked();
  // The file's outcome: its grant ends, and the slot is released once no file of it is left (M3).
  void end_grant_locked(const std::string& slot, std::uint64_t record_seq);
  // The deadline a file is served by (M3): its work item's, else 24 h (the policy's) after it was recorded.
  [[nodiscard]] schedule::utc_time deadline_locked(const dock::pending_file& file, std::optional<std::uint64_t> item);
  // A granted file may now be fetched: its grant noted (M4) and its work item in progress.
  void note_grant_locked(const std::string& slot, std::uint64_t record_seq, std::optional<std::uint64_t> item);
  [[nodiscard]] std::string current_slot() const;
  void enter_presence(status::slot_status& s, status::slot_presence presence);  // M5
  void note_store(bool available, const std::string& error, bool from_probe, std::string alarm = {});  // M6
  void say(const std::string& line) const {
    if (log_) log_(line);
  }

  std::string dock_id_;
  std::function<common::record::utc_time()> clock_;
  log_function log_;
  common::record::utc_time started_;
  mutable std::mutex mutex_;
  std::map<std::string, status::slot_status> slots_;       // by slot
  std::map<std::string, std::string> slot_of_device_;      // device → slot
  std::map<std::thread::id, std::string> current_slot_;    // the slot each session thread serves
  status::status_totals totals_;
  std::string store_error_;
  bool store_down_by_probe_ = false;
  std::string store_alarm_;  // the alarm of a store that is down (M6)
  std::optional<common::record::utc_time> store_since_;
  std::optional<common::record::utc_time> store_checked_;
  std::optional<common::record::utc_time> first_sample_utc_;  // M4: the measured window
  std::optional<common::record::utc_time> last_sample_utc_;
  std::atomic<bool> stopping_{false};
  std::optional<schedule::queue_store> queue_;
  monitor_options options_;
  schedule::throughput_meter meter_;
  schedule::alarm_tracker tracker_;
  std::optional<schedule::schedule_assessment> assessment_;  // the last one (M1)
  std::vector<status::witness_status> witnesses_;
  // Files fetched under each slot's grant and not yet stored or failed, by record seq, with when each was
  // granted (M3, M4); the slot is released when its last one ends.
  std::map<std::string, std::map<std::uint64_t, std::chrono::steady_clock::time_point>> granted_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_stored_;  // slot → its last sample's end (M4)
  upload_gate gate_;
};

}  // namespace bodycam::ingest::dockd
