#include "firmware/recorder/recorder_service.hpp"

#include <sodium.h>
#include <sys/statvfs.h>

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;

media::close_reason close_reason_for(record::stop_reason reason) noexcept {
  switch (reason) {
    case record::stop_reason::low_battery: return media::close_reason::low_battery;
    case record::stop_reason::storage_full: return media::close_reason::storage_full;
    case record::stop_reason::fault: return media::close_reason::fault;
    case record::stop_reason::officer_end:
    case record::stop_reason::shutdown: return media::close_reason::stop;
  }
  return media::close_reason::stop;
}

recorder_service::recorder_service(chain_writer& writer, ledger_sink& sink, media::recording_pipeline& pipeline,
                                   std::string officer_id, std::chrono::milliseconds pre_event,
                                   std::filesystem::path recording_dir)
    : writer_(writer),
      sink_(sink),
      pipeline_(pipeline),
      officer_id_(std::move(officer_id)),
      pre_event_(pre_event),
      recording_dir_(std::move(recording_dir)) {}

bool recorder_service::is_faulted() const {
  const auto s = pipeline_.status();
  return sink_.fault().has_value() || s.state == media::pipeline_state::failed;
}

control::recorder_status recorder_service::status_locked() const {
  const auto s = pipeline_.status();
  control::recorder_status out;
  out.state = sink_.fault() || s.state == media::pipeline_state::failed ? "fault"
              : session_                                             ? "recording"
              : s.state == media::pipeline_state::finished          ? "finished"
                                                                     : "buffering";
  out.session = session_ ? session_ : last_session_;
  if (session_ && s.segment_file) out.segment = s.segment_index;
  out.recorded = std::chrono::duration_cast<std::chrono::milliseconds>(s.session_recorded);
  struct statvfs fs {};
  if (::statvfs(recording_dir_.c_str(), &fs) == 0)
    out.free_storage_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  out.last_record_seq = writer_.last_seq();
  return out;
}

core::expected<control::recorder_status> recorder_service::status(const control::status_command&) {
  std::lock_guard lock(mutex_);
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::start(const control::start_command& command) {
  std::lock_guard lock(mutex_);
  if (session_) return core::fail(core::errc::conflict, "start: already recording session " + session_->to_hex());
  if (auto fault = sink_.fault()) return core::fail(fault->code, "start refused, ledger fault: " + fault->context);
  const auto s = pipeline_.status();
  if (s.state != media::pipeline_state::buffering)
    return core::fail(core::errc::conflict, "start refused: the pipeline is " +
                                                std::string(s.last_error ? s.last_error->context : "not buffering"));
  record::session_id session;
  randombytes_buf(session.bytes.data(), session.bytes.size());
  auto started = writer_.append(record::session_start_payload{session, officer_id_, command.trigger, pre_event_});
  if (!started) return core::wrap("start: append session_start", started.error());
  sink_.reset_session_counters();
  session_ = session;
  if (auto ok = pipeline_.start(session.to_hex()); !ok) {
    // The chain already holds the start: close it so the session is bracketed (invariant 1).
    (void)close_session_locked(record::stop_reason::fault, "pipeline did not start: " + ok.error().context);
    return core::wrap("start", ok.error());
  }
  return status_locked();
}

core::status recorder_service::close_session_locked(record::stop_reason reason, std::string detail) {
  if (!session_) return {};
  auto stopped = writer_.append(
      record::session_stop_payload{*session_, reason, std::move(detail), sink_.segments_sealed()});
  last_session_ = session_;
  session_.reset();
  if (!stopped) return core::wrap("append session_stop", stopped.error());
  return {};
}

core::expected<control::recorder_status> recorder_service::stop(const control::stop_command& command) {
  std::lock_guard lock(mutex_);
  if (!session_) return core::fail(core::errc::conflict, "stop: not recording");
  auto stopped = pipeline_.stop(close_reason_for(command.reason));
  std::string detail = stopped ? "" : "pipeline: " + stopped.error().context;
  if (auto ok = close_session_locked(command.reason, std::move(detail)); !ok) return std::unexpected(ok.error());
  if (!stopped) return core::wrap("stop", stopped.error());
  return status_locked();
}

void recorder_service::poll() {
  std::lock_guard lock(mutex_);
  if (!session_) return;
  const auto s = pipeline_.status();
  if (s.state == media::pipeline_state::failed) {
    (void)close_session_locked(record::stop_reason::fault,
                               s.last_error ? s.last_error->context : std::string("pipeline failed"));
  } else if (s.state == media::pipeline_state::finished) {
    (void)close_session_locked(record::stop_reason::shutdown, "source ended");
  }
}

core::status recorder_service::shutdown() {
  std::lock_guard lock(mutex_);
  auto shut = pipeline_.shutdown(media::close_reason::stop);
  auto closed = close_session_locked(record::stop_reason::shutdown, shut ? "" : shut.error().context);
  if (!shut) return shut;
  return closed;
}

}  // namespace bodycam::firmware::recorder
