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
//      (upload_gate), granted to the waiting camera whose file has the earliest deadline; the slot is given
//      back when the file is stored or failed, or by end_session() if the session ended in between. A camera
//      not served within `slot_wait` gets `false` (its session ends, stopped_by_scheduler, with a receipt for
//      what is stored) so its link never idles into the camera's timeout; its worker docks it again shortly.
//  M4. Throughput: each file fetched and stored is one sample (its bytes over the steady time from slot
//      granted to stored) of the EWMA the scheduler projects with; failures add no sample.
#pragma once

#include "ingest/dock/dock_session.hpp"
#include "ingest/dockd/upload_gate.hpp"
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
  std::size_t upload_slots = 1;  // concurrent file uploads over all cameras (M3)
  std::chrono::milliseconds slot_wait{std::chrono::seconds(5)};  // longest wait for one; then may_fetch says no
};

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
  void set_connected(const std::string& slot, bool connected, const std::string& error = {});
  void finish(const std::string& slot, const dock::session_summary& summary);
  // The calling worker's session is over (whatever its result): gives back its upload slot (M3).
  void end_session(const std::string& slot);
  void set_store_error(const std::string& error);

  // Stops sessions between files (may_fetch answers false, waiting ones wake up) once set.
  void request_stop() {
    stopping_ = true;
    gate_.stop();
  }

  void on_plan(const dock::camera_snapshot& state, const std::vector<dock::pending_file>& files) override;
  [[nodiscard]] bool may_fetch(const common::record::device_id& device, const dock::pending_file& file) override;
  void on_stored(const common::record::device_id& device, std::uint64_t records, std::uint64_t bytes) override;
  void on_alarm(const common::record::device_id& device, dock::alarm_kind kind, const std::string& detail) override;
  void on_receipt(const common::record::device_id& device, std::uint64_t end_seq) override;
  void on_file_stored(const common::record::device_id& device, const dock::pending_file& file) override;
  void on_file_failed(const common::record::device_id& device, const dock::pending_file& file,
                      const std::string& reason) override;

  [[nodiscard]] status::dock_status snapshot() const;

 private:
  [[nodiscard]] status::slot_status& slot_of(const common::record::device_id& device);
  // The queue id of a file's work item (enqueued if new); nullopt without a queue or on a queue error (logged).
  [[nodiscard]] std::optional<std::uint64_t> item_of(const common::record::device_id& device, const dock::pending_file& f);
  void reassess_locked();
  [[nodiscard]] std::string current_slot() const;
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
  std::atomic<bool> stopping_{false};
  std::optional<schedule::queue_store> queue_;
  monitor_options options_;
  schedule::throughput_meter meter_;
  schedule::alarm_tracker tracker_;
  std::optional<schedule::schedule_assessment> assessment_;  // the last one (M1)
  std::map<std::string, std::chrono::steady_clock::time_point> granted_at_;  // slot → when its upload began (M4)
  upload_gate gate_;
};

}  // namespace bodycam::ingest::dockd
