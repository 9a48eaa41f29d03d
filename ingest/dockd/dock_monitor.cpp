// The dock monitor (dock_monitor.hpp): slot status from session reports, the queue's work items, and the
// deadline scheduler's assessment, alarms and upload slots.
#include "ingest/dockd/dock_monitor.hpp"

#include "ingest/status/schedule_view.hpp"

#include <algorithm>
#include <thread>

namespace bodycam::ingest::dockd {

status::slot_presence presence_after_link_failure(const common::core::error& error) {
  return error.context.starts_with("connect to camera ") ? status::slot_presence::absent
                                                         : status::slot_presence::refused;
}

dock_monitor::dock_monitor(std::string dock_id, std::function<common::record::utc_time()> clock, log_function log,
                           monitor_options options)
    : dock_id_(std::move(dock_id)),
      clock_(std::move(clock)),
      log_(std::move(log)),
      started_(clock_()),
      options_(options),
      meter_(options.throughput),
      gate_(options.upload_slots) {}

void dock_monitor::use_queue(schedule::queue_store queue) {
  std::lock_guard lock(mutex_);
  queue_.emplace(std::move(queue));
  reassess_locked();
}

void dock_monitor::reassess() {
  std::lock_guard lock(mutex_);
  reassess_locked();
}

void dock_monitor::reassess_locked() {
  if (!queue_) return;
  auto pending = queue_->list_pending();
  if (!pending) {
    say("queue: " + pending.error().context);
    return;
  }
  assessment_ = schedule::assess_schedule(std::move(*pending), clock_(), meter_.bytes_per_second(), options_.policy);
  for (const auto& event : tracker_.update(*assessment_)) {  // M2
    say("ALARM " + std::string(schedule::to_string(event.to)) + " " + event.device.str() + " (was " +
        std::string(schedule::to_string(event.from)) + "): " + event.detail);
    if (auto logged = queue_->log_alarm(event); !logged) say("queue: " + logged.error().context);
  }
}

std::string dock_monitor::current_slot() const {
  const auto it = current_slot_.find(std::this_thread::get_id());
  return it != current_slot_.end() ? it->second : std::string();
}

std::optional<std::uint64_t> dock_monitor::item_of(const common::record::device_id& device, const dock::pending_file& f) {
  if (!queue_) return std::nullopt;
  auto item = schedule::make_work_item({device, f.record_seq, f.record_seq + 1, f.file_name, f.byte_length, f.recorded_utc},
                                       options_.policy.deadline_after);
  if (!item) {
    say("queue: " + item.error().context);
    return std::nullopt;
  }
  auto queued = queue_->enqueue(*item, clock_());
  if (!queued) {
    say("queue: " + queued.error().context);
    return std::nullopt;
  }
  return queued->id;
}

void dock_monitor::end_grant_locked(const std::string& slot, std::uint64_t record_seq) {
  const auto files = granted_.find(slot);
  if (files == granted_.end()) return;  // a file that was in the store already: fetched under no grant
  files->second.erase(record_seq);
  if (!files->second.empty()) return;
  granted_.erase(files);
  last_stored_.erase(slot);
  gate_.release(slot);
}

void dock_monitor::note_grant_locked(const std::string& slot, std::uint64_t record_seq,
                                     std::optional<std::uint64_t> item) {
  slots_[slot].activity = "storing";
  granted_[slot][record_seq] = std::chrono::steady_clock::now();
  if (!item) return;
  auto found = queue_->find(*item);
  if (found && *found && (*found)->state == schedule::item_state::pending)
    if (auto ok = queue_->mark_in_progress(*item, clock_()); !ok) say("queue: " + ok.error().context);
}

void dock_monitor::on_file_stored(const common::record::device_id& device, const dock::pending_file& file) {
  std::lock_guard lock(mutex_);
  const auto slot = current_slot();
  if (auto files = granted_.find(slot); files != granted_.end())
    if (auto began = files->second.find(file.record_seq); began != files->second.end()) {  // M4: stored now
      const auto now = std::chrono::steady_clock::now();
      auto from = began->second;
      if (auto last = last_stored_.find(slot); last != last_stored_.end()) from = std::max(from, last->second);
      last_stored_[slot] = now;
      const auto samples = meter_.sample_count();
      meter_.add_sample(file.byte_length, now - from);
      if (meter_.sample_count() > samples) {
        last_sample_utc_ = clock_();
        if (!first_sample_utc_) first_sample_utc_ = last_sample_utc_;
      }
    }
  end_grant_locked(slot, file.record_seq);
  if (auto id = item_of(device, file)) {
    auto item = queue_->find(*id);
    if (!(item && *item && (*item)->state == schedule::item_state::done))
      if (auto ok = queue_->mark_done(*id, clock_()); !ok) say("queue: " + ok.error().context);
  }
  reassess_locked();
}

void dock_monitor::on_file_failed(const common::record::device_id& device, const dock::pending_file& file,
                                  const std::string& reason) {
  std::lock_guard lock(mutex_);
  end_grant_locked(current_slot(), file.record_seq);
  if (auto id = item_of(device, file))
    if (auto ok = queue_->mark_failed(*id, clock_(), reason); !ok) say("queue: " + ok.error().context);
  reassess_locked();
}

void dock_monitor::begin(const std::string& slot) {
  std::lock_guard lock(mutex_);
  current_slot_[std::this_thread::get_id()] = slot;
  auto& s = slots_[slot];
  s.slot = slot;
  s.activity = "connecting";
}

void dock_monitor::enter_presence(status::slot_status& s, status::slot_presence presence) {
  if (s.presence != presence || !s.presence_since) s.presence_since = clock_();
  s.presence = presence;
}

void dock_monitor::set_connected(const std::string& slot, bool connected, const std::string& error) {
  std::lock_guard lock(mutex_);
  auto& s = slots_[slot];
  s.slot = slot;
  if (connected) {
    enter_presence(s, status::slot_presence::docked);
    if (!s.connected) s.presence_since = clock_();  // the link came up now
    s.last_error.clear();
  } else if (error.empty()) {
    enter_presence(s, status::slot_presence::docked);
    if (s.connected) s.presence_since = clock_();  // the docking ended now
  } else {
    enter_presence(s, status::slot_presence::failed);
    s.last_error = error;
  }
  s.connected = connected;
  s.activity = connected ? "pulling" : "idle";
}

void dock_monitor::set_presence(const std::string& slot, status::slot_presence presence, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto& s = slots_[slot];
  s.slot = slot;
  enter_presence(s, presence);
  s.connected = false;
  s.activity = "idle";
  s.last_error = reason;
}

void dock_monitor::end_session(const std::string& slot) {
  std::lock_guard lock(mutex_);
  granted_.erase(slot);
  last_stored_.erase(slot);
  gate_.release(slot);  // M3: a session that failed between may_fetch and the file's outcome
}

void dock_monitor::finish(const std::string& slot, const dock::session_summary& summary) {
  {
    std::lock_guard lock(mutex_);
    auto& s = slots_[slot];
    s.activity = "idle";
    s.last_error.clear();
    totals_.records_stored += summary.records_stored;
    totals_.objects_stored += summary.files_stored;
    totals_.bytes_stored += summary.bytes_stored;
  }
  say(slot + " " + summary.device.str() + ": " + std::to_string(summary.records_stored) + " records, " +
      std::to_string(summary.files_stored) + " files (" + std::to_string(summary.bytes_stored) + " bytes) stored" +
      (summary.receipt_end ? ", receipt up to seq " + std::to_string(*summary.receipt_end) : ", no receipt") +
      (summary.files_quarantined > 0 ? ", " + std::to_string(summary.files_quarantined) + " quarantined" : ""));
}

namespace {

std::string_view probe_alarm(const common::core::error& e) {
  using common::core::errc;
  if (e.code == errc::no_space) return "store_full";
  if (e.code == errc::timeout || e.code == errc::closed) return "store_unreachable";
  return "store_failed";
}

}  // namespace

void dock_monitor::note_store(bool available, const std::string& error, bool from_probe, std::string alarm) {
  const auto now = clock_();
  if (store_since_ && available != store_error_.empty())
    say(available ? std::string("store up again") + (store_alarm_.empty() ? "" : " (" + store_alarm_ + " cleared)")
                  : "store down: " + error);
  if (!store_since_ || available != store_error_.empty()) store_since_ = now;
  store_checked_ = now;
  store_error_ = available ? std::string() : (error.empty() ? std::string("store failed") : error);
  store_down_by_probe_ = !available && from_probe;
  if (available) store_alarm_.clear();
  else store_alarm_ = alarm.empty() ? std::string("store_failed") : std::move(alarm);
}

void dock_monitor::set_store_error(const std::string& error) {
  std::lock_guard lock(mutex_);
  note_store(error.empty(), error, false);
}

void dock_monitor::set_store_probe(const common::core::status& probe) {
  std::lock_guard lock(mutex_);
  if (!probe)
    note_store(false, probe.error().context, true, std::string(probe_alarm(probe.error())));
  else if (store_error_.empty() || store_down_by_probe_ || store_alarm_ == "store_unreachable")
    note_store(true, {}, true);
  else
    store_checked_ = clock_();  // M6: a session's store failure stays until a receipt
}

status::slot_status& dock_monitor::slot_of(const common::record::device_id& device) {
  auto it = slot_of_device_.find(device.str());
  std::string slot = it != slot_of_device_.end() ? it->second : current_slot();
  slot_of_device_[device.str()] = slot;
  auto& s = slots_[slot];
  s.slot = slot;
  s.device = device.str();
  return s;
}

void dock_monitor::on_plan(const dock::camera_snapshot& state, const std::vector<dock::pending_file>& files) {
  std::lock_guard lock(mutex_);
  slot_of_device_[state.device.str()] = current_slot();
  auto& s = slot_of(state.device);
  if (state.battery_percent <= 100) s.battery_percent = state.battery_percent;
  s.pending_bytes = state.pending_bytes;
  s.pending_records = state.pending_records;
  s.done_bytes = 0;
  s.total_bytes = state.pending_bytes;
  s.activity = "storing";
  for (const auto& f : files) (void)item_of(state.device, f);  // the queue keeps it across restarts
  reassess_locked();                                              // M1: the alarm is the scheduler's
}

schedule::utc_time dock_monitor::deadline_locked(const dock::pending_file& file, std::optional<std::uint64_t> item) {
  if (item)
    if (auto found = queue_->find(*item); found && *found) return (*found)->deadline;  // its first deadline (Q2)
  return file.recorded_utc + options_.policy.deadline_after;
}

bool dock_monitor::may_fetch(const common::record::device_id& device, const dock::pending_file& file) {
  if (stopping_) return false;
  std::string slot;
  std::optional<std::uint64_t> id;
  schedule::utc_time deadline;
  {
    std::lock_guard lock(mutex_);
    slot = current_slot();
    id = item_of(device, file);
    deadline = deadline_locked(file, id);
    slots_[slot].activity = "waiting for an upload slot";
  }
  if (!gate_.acquire(slot, deadline, options_.slot_wait)) return false;  // M3: blocks until this camera's file is the most urgent
  std::lock_guard lock(mutex_);
  note_grant_locked(slot, file.record_seq, id);
  return true;
}

bool dock_monitor::may_fetch_more(const common::record::device_id& device, const dock::pending_file& file) {
  if (stopping_) return false;
  std::lock_guard lock(mutex_);
  const auto slot = current_slot();
  const auto id = item_of(device, file);
  if (!granted_.contains(slot) || !gate_.keep(slot, deadline_locked(file, id))) return false;  // M3: one more urgent waits
  note_grant_locked(slot, file.record_seq, id);
  return true;
}

void dock_monitor::on_stored(const common::record::device_id& device, std::uint64_t, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& s = slot_of(device);
  s.done_bytes += bytes;
  s.pending_bytes = s.pending_bytes > bytes ? s.pending_bytes - bytes : 0;
}

void dock_monitor::on_alarm(const common::record::device_id& device, dock::alarm_kind kind, const std::string& detail) {
  {
    std::lock_guard lock(mutex_);
    auto& s = slot_of(device);
    s.last_error = std::string(dock::to_string(kind)) + ": " + detail;
    if (kind == dock::alarm_kind::file_quarantined) ++totals_.quarantined_files;
    if (kind == dock::alarm_kind::chain_refused || kind == dock::alarm_kind::chain_forked ||
        kind == dock::alarm_kind::chain_rolled_back || kind == dock::alarm_kind::file_quarantined)
      ++totals_.verify_failures;
    if (kind == dock::alarm_kind::store_full || kind == dock::alarm_kind::store_failed ||
        kind == dock::alarm_kind::store_unreachable)
      note_store(false, detail, false, std::string(dock::to_string(kind)));
  }
  say("ALARM " + std::string(dock::to_string(kind)) + " " + device.str() + ": " + detail);
}

void dock_monitor::on_receipt(const common::record::device_id& device, std::uint64_t) {
  std::lock_guard lock(mutex_);
  ++totals_.receipts_issued;
  auto& s = slot_of(device);
  s.pending_records = 0;
  note_store(true, {}, false);
}

void dock_monitor::set_witnesses(const std::vector<witness_endpoint>& witnesses) {
  std::lock_guard lock(mutex_);
  witnesses_.clear();
  for (const auto& w : witnesses) {
    status::witness_status s;
    s.name = w.name;
    s.url = w.url;
    witnesses_.push_back(std::move(s));
  }
}

void dock_monitor::on_witness(const witness_submission& submission) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(witnesses_.begin(), witnesses_.end(),
                               [&](const status::witness_status& w) { return w.name == submission.witness; });
  if (it == witnesses_.end()) return;
  const auto now = clock_();
  const std::string state =
      submission.is_ok() ? std::string("cosigned") : std::string(to_string(submission.result));
  const std::string alarm = submission.result == submission_result::unreachable ? "witness_unreachable"
                            : submission.result == submission_result::refused   ? "witness_refused"
                                                                                 : "";
  if (it->state != state) it->since = now;
  if (it->alarm != alarm) {
    if (!alarm.empty()) say("ALARM " + alarm + " " + submission.detail + " (retried after the next docking)");
    else if (!it->alarm.empty()) say("witness " + submission.witness + ": cosigned again, size " + std::to_string(submission.size));
  }
  it->state = state;
  it->alarm = alarm;
  it->checked = now;
  it->last_error = submission.detail;
  if (submission.is_ok()) it->cosigned_size = submission.size;
}

status::dock_status dock_monitor::snapshot() const {
  std::lock_guard lock(mutex_);
  status::dock_status out;
  out.dock_id = dock_id_;
  out.generated_utc = clock_();
  out.started_utc = started_;
  out.store_available = store_error_.empty();
  out.store_error = store_error_;
  out.store_alarm = store_alarm_;
  out.store_since = store_since_;
  out.store_checked = store_checked_;
  out.totals = totals_;
  for (const auto& [slot, s] : slots_) {
    out.slots.push_back(s);
    out.slots.back().alarm = status::alarm_state::ok;  // M1: only the scheduler's assessment raises it
    out.totals.pending_bytes += s.pending_bytes;
    out.totals.pending_records += s.pending_records;
  }
  out.totals.throughput_bytes_per_second = meter_.bytes_per_second();
  out.totals.throughput_measured = meter_.sample_count() > 0;  // M4
  out.totals.throughput_samples = meter_.sample_count();
  out.totals.throughput_window_start = first_sample_utc_;
  out.totals.throughput_window_end = last_sample_utc_;
  if (assessment_) status::apply_schedule(out, *assessment_);
  out.witnesses = witnesses_;
  return out;
}

}  // namespace bodycam::ingest::dockd
