#include "ingest/dockd/dock_monitor.hpp"

#include <thread>

namespace bodycam::ingest::dockd {

dock_monitor::dock_monitor(std::string dock_id, std::function<common::record::utc_time()> clock, log_function log)
    : dock_id_(std::move(dock_id)), clock_(std::move(clock)), log_(std::move(log)), started_(clock_()) {}

void dock_monitor::use_queue(schedule::queue_store queue) {
  std::lock_guard lock(mutex_);
  queue_.emplace(std::move(queue));
}

std::optional<std::uint64_t> dock_monitor::item_of(const common::record::device_id& device, const dock::pending_file& f) {
  if (!queue_) return std::nullopt;
  auto item = schedule::make_work_item({device, f.record_seq, f.record_seq + 1, f.file_name, f.byte_length, f.recorded_utc});
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

void dock_monitor::on_file_stored(const common::record::device_id& device, const dock::pending_file& file) {
  std::lock_guard lock(mutex_);
  if (auto id = item_of(device, file)) {
    auto item = queue_->find(*id);
    if (item && *item && (*item)->state == schedule::item_state::done) return;
    if (auto ok = queue_->mark_done(*id, clock_()); !ok) say("queue: " + ok.error().context);
  }
}

void dock_monitor::on_file_failed(const common::record::device_id& device, const dock::pending_file& file,
                                  const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (auto id = item_of(device, file))
    if (auto ok = queue_->mark_failed(*id, clock_(), reason); !ok) say("queue: " + ok.error().context);
}

void dock_monitor::begin(const std::string& slot) {
  std::lock_guard lock(mutex_);
  current_slot_[std::this_thread::get_id()] = slot;
  auto& s = slots_[slot];
  s.slot = slot;
  s.activity = "connecting";
}

void dock_monitor::set_connected(const std::string& slot, bool connected, const std::string& error) {
  std::lock_guard lock(mutex_);
  auto& s = slots_[slot];
  s.slot = slot;
  s.connected = connected;
  s.activity = connected ? "pulling" : "idle";
  if (!error.empty()) s.last_error = error;
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

void dock_monitor::set_store_error(const std::string& error) {
  std::lock_guard lock(mutex_);
  store_error_ = error;
}

status::slot_status& dock_monitor::slot_of(const common::record::device_id& device) {
  auto it = slot_of_device_.find(device.str());
  std::string slot = it != slot_of_device_.end() ? it->second : current_slot_[std::this_thread::get_id()];
  slot_of_device_[device.str()] = slot;
  auto& s = slots_[slot];
  s.slot = slot;
  s.device = device.str();
  return s;
}

void dock_monitor::on_plan(const dock::camera_snapshot& state, const std::vector<dock::pending_file>& files) {
  std::lock_guard lock(mutex_);
  slot_of_device_[state.device.str()] = current_slot_[std::this_thread::get_id()];
  auto& s = slot_of(state.device);
  if (state.battery_percent <= 100) s.battery_percent = state.battery_percent;
  s.pending_bytes = state.pending_bytes;
  s.pending_records = state.pending_records;
  s.done_bytes = 0;
  s.total_bytes = state.pending_bytes;
  s.activity = "storing";
  std::optional<common::record::utc_time> oldest;
  for (const auto& f : files) {
    oldest = std::min(oldest.value_or(f.recorded_utc), f.recorded_utc);
    (void)item_of(state.device, f);  // the queue keeps it across restarts
  }
  s.time_to_deadline.reset();
  s.alarm = status::alarm_state::ok;
  if (oldest) {
    const auto left = *oldest + deadline - clock_();
    s.time_to_deadline = left;
    s.alarm = left < std::chrono::nanoseconds(0) ? status::alarm_state::overdue
              : left < at_risk_margin            ? status::alarm_state::at_risk
                                                 : status::alarm_state::ok;
  }
}

bool dock_monitor::may_fetch(const common::record::device_id& device, const dock::pending_file& file) {
  if (stopping_) return false;
  std::lock_guard lock(mutex_);
  if (auto id = item_of(device, file)) {
    auto item = queue_->find(*id);
    if (item && *item && (*item)->state == schedule::item_state::pending)
      if (auto ok = queue_->mark_in_progress(*id, clock_()); !ok) say("queue: " + ok.error().context);
  }
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
    if (kind == dock::alarm_kind::store_full || kind == dock::alarm_kind::store_failed) store_error_ = detail;
  }
  say("ALARM " + std::string(dock::to_string(kind)) + " " + device.str() + ": " + detail);
}

void dock_monitor::on_receipt(const common::record::device_id& device, std::uint64_t) {
  std::lock_guard lock(mutex_);
  ++totals_.receipts_issued;
  auto& s = slot_of(device);
  s.pending_records = 0;
  store_error_.clear();
}

status::dock_status dock_monitor::snapshot() const {
  std::lock_guard lock(mutex_);
  status::dock_status out;
  out.dock_id = dock_id_;
  out.generated_utc = clock_();
  out.started_utc = started_;
  out.store_available = store_error_.empty();
  out.store_error = store_error_;
  out.totals = totals_;
  for (const auto& [slot, s] : slots_) {
    out.slots.push_back(s);
    out.alarm = std::max(out.alarm, s.alarm);
    out.totals.pending_bytes += s.pending_bytes;
    out.totals.pending_records += s.pending_records;
    if (s.alarm == status::alarm_state::at_risk) ++out.totals.devices_at_risk;
    if (s.alarm == status::alarm_state::overdue) ++out.totals.devices_overdue;
  }
  return out;
}

}  // namespace bodycam::ingest::dockd
