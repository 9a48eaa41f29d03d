#include "firmware/recorder/recorder_service.hpp"

#include "common/core/durable_file.hpp"
#include "firmware/session/power_supply_reader.hpp"
#include "firmware/session/wav_file.hpp"
#include "common/crypto/footage_buffer.hpp"

#include <sodium.h>
#include <sys/statvfs.h>

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;
using session::session_event;
using session::session_state;

struct recorder_service::capture_result {
  core::expected<session::captured_statement> statement = core::fail(core::errc::not_found, "not captured");
};

media::close_reason close_reason_for(record::stop_reason reason) noexcept {
  switch (reason) {
    case record::stop_reason::low_battery: return media::close_reason::low_battery;
    case record::stop_reason::storage_full: return media::close_reason::storage_full;
    case record::stop_reason::fault: return media::close_reason::fault;
    case record::stop_reason::officer_end:
    case record::stop_reason::unsuitable_to_record:
    case record::stop_reason::shutdown: return media::close_reason::stop;
  }
  return media::close_reason::stop;
}

recorder_service::recorder_service(records::chain_writer& writer, ledger_sink& sink,
                                   media::recording_pipeline& pipeline, session::feedback_port& feedback,
                                   service_options options)
    : writer_(writer), sink_(sink), pipeline_(pipeline), feedback_(feedback), options_(std::move(options)),
      roster_(options_.actions) {}

recorder_service::~recorder_service() {
  statement_stop_ = true;
  if (statement_thread_.joinable()) statement_thread_.join();
}

void recorder_service::signal(session::feedback_signal what, std::string_view detail) {
  if (auto ok = feedback_.signal(what, detail); !ok)
    std::fprintf(stderr, "bodycam-recorder: feedback %s: %s\n", std::string(session::to_string(what)).c_str(),
                 ok.error().context.c_str());
}

void recorder_service::alarm(std::string_view detail) {
  std::fprintf(stderr, "bodycam-recorder: alarm: %.*s\n", static_cast<int>(detail.size()), detail.data());
  signal(session::feedback_signal::alarm, detail);
  signal(session::feedback_signal::vibrate, detail);
}

void recorder_service::close_resume_window_if_passed_locked() {
  if (!session::awaits_resume(state_) || state_ == session_state::checking_resume) return;
  if (has_deferred_locked()) return;  // the stop is not in the ledger yet (invariant 9)
  if (resumable_ && session::within_resume_window(*resumable_, writer_.clock().utc().time, options_.resume_window))
    return;
  (void)raise_locked(session_event::resume_window_closed, {}, "resume window");
}

std::chrono::milliseconds recorder_service::pre_event_achieved() const {
  // The ring's video coverage just before the start: what the first segment of the run carries.
  return std::chrono::duration_cast<std::chrono::milliseconds>(pipeline_.status().pre_event_buffered);
}

bool recorder_service::is_faulted() const {
  std::lock_guard lock(mutex_);
  return state_ == session_state::fault || sink_.fault().has_value();
}

session_state recorder_service::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

control::recorder_status recorder_service::status_locked() const {
  const auto s = pipeline_.status();
  control::recorder_status out;
  out.state = std::string(session::to_string(state_));
  out.session = session_ ? session_ : last_session_;
  if (session_ && s.segment_file) out.segment = s.segment_index;
  out.recorded = std::chrono::duration_cast<std::chrono::milliseconds>(s.session_recorded);
  struct statvfs fs {};
  if (::statvfs(options_.recording_dir.c_str(), &fs) == 0)
    out.free_storage_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  out.last_record_seq = writer_.last_seq();
  out.precheck = last_precheck_;
  out.note = note_;
  if (session_) {
    out.officers = roster_.officer_count();
    out.officer_ids = roster_.present();
    out.osd_line = osd_line_locked();
    if (roster_.action()) {
      out.action = roster_.action()->action;
      out.case_number = roster_.action()->case_number;
    }
  }
  return out;
}

core::expected<control::recorder_status> recorder_service::status(const control::status_command&) {
  std::lock_guard lock(mutex_);
  return status_locked();
}

core::status recorder_service::run_precheck_locked(bool for_start, event_input& input) {
  const auto readings = take_readings(options_.probe, writer_, options_.device_key);
  auto payload = session::evaluate_precheck(readings, options_.thresholds);
  const bool failed = payload.outcome == record::precheck_outcome::failed;
  last_precheck_ = std::string(record::to_string(payload.outcome));
  const std::string problems = session::describe_problems(payload);
  if (auto ok = writer_.append(std::move(payload)); !ok) {
    if (for_start && ok.error().code == core::errc::no_space) {
      // Invariant 9: no record, no start, and no fault either; the officer is told why.
      event_input refused = input;
      refused.detail = "ledger storage full: " + ok.error().context;
      note_ = refused.detail;
      if (auto raised = raise_locked(session_event::check_failed, refused, "start"); !raised) return raised;
      return core::fail(core::errc::no_space, "start refused: " + refused.detail);
    }
    ledger_failed_locked(ok.error());
    return core::wrap("append precheck", ok.error());
  }
  note_ = problems;
  if (!for_start) {
    if (failed) alarm("pre-shift checks failed: " + problems);
    return failed ? core::fail(core::errc::conflict, "pre-shift checks failed: " + problems) : core::status{};
  }
  // checking / checking_resume: the outcome is the next event.
  event_input outcome = input;
  if (failed) {
    outcome.detail = "pre-shift checks failed: " + problems;
    if (auto ok = raise_locked(session_event::check_failed, std::move(outcome), "start"); !ok) return ok;
    return core::fail(core::errc::conflict, "start refused by the pre-shift checks: " + problems);
  }
  if (const auto s = pipeline_.status(); s.state != media::pipeline_state::buffering) {
    outcome.detail = "pipeline not buffering";
    if (auto ok = raise_locked(session_event::check_failed, std::move(outcome), "start"); !ok) return ok;
    return core::fail(core::errc::conflict, "start refused: the pipeline is " +
                                                std::string(s.last_error ? s.last_error->context : "not buffering"));
  }
  return raise_locked(session_event::check_passed, std::move(outcome), "start");
}

core::expected<control::recorder_status> recorder_service::precheck(const control::precheck_command&) {
  std::lock_guard lock(mutex_);
  if (state_ == session_state::fault) return core::fail(core::errc::conflict, "precheck: recorder in fault: " + note_);
  event_input none;
  auto ok = run_precheck_locked(false, none);
  if (!ok && ok.error().code != core::errc::conflict) return std::unexpected(ok.error());
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::start(const control::start_command& command) {
  std::lock_guard lock(mutex_);
  // Invariant 9: what waited for space goes in first (and clears a no_space fault), or nothing starts.
  if (auto flushed = flush_deferred_locked(); !flushed)
    return core::fail(flushed.error().code, "start refused, records still wait for ledger space: " +
                                                 flushed.error().context);
  if (auto fault = sink_.fault()) return core::fail(fault->code, "start refused, ledger fault: " + fault->context);
  close_resume_window_if_passed_locked();
  event_input input;
  input.trigger = command.trigger;
  // start_request → run_precheck → check_passed (open_session or resume_session, invariant 4) or check_failed.
  if (auto ok = raise_locked(session_event::start_request, std::move(input), "start"); !ok)
    return std::unexpected(ok.error());
  return status_locked();
}

core::status recorder_service::resume_after_stop_locked(record::start_trigger trigger) {
  if (!resumable_) return core::fail(core::errc::conflict, "resume: no automatic stop to resume");
  const auto stop = *resumable_;
  auto resumed = writer_.append(
      record::session_resume_payload{stop.session, stop.stop_seq, options_.officer_id, trigger, pre_event_achieved()});
  if (!resumed) {
    ledger_failed_locked(resumed.error());
    return core::wrap("resume: append session_resume", resumed.error());
  }
  resumable_.reset();
  session_ = stop.session;
  (void)restore_roster_locked(stop.session);  // invariant 8; a failed read is logged, the run goes on
  run_tag_ = "-s" + std::to_string(resumed->body.seq);
  sink_.begin_session(stop.session, stop.next_segment_index);
  // Each run's files carry its session_resume's seq, so they never collide with the earlier runs' files:
  // <session>.s<seq>-<index>.mp4; their records carry the session id and continue its segment index.
  const std::string pipeline_session = stop.session.to_hex() + ".s" + std::to_string(resumed->body.seq);
  if (auto ok = pipeline_.start(pipeline_session); !ok) {
    (void)raise_stop_locked(session_event::media_fault, record::stop_reason::fault,
                            record::interruption_reason::pipeline_fault, "pipeline did not resume: " + ok.error().context);
    return core::wrap("resume", ok.error());
  }
  signal(session::feedback_signal::led_recording, "session " + stop.session.to_hex() + " resumed after " +
                                                       std::string(record::to_string(stop.reason)));
  begin_statement_locked(record::annotation_purpose::resume);
  return finish_statement_without_source_locked();
}

core::status recorder_service::open_session_locked(record::start_trigger trigger) {
  record::session_id session;
  randombytes_buf(session.bytes.data(), session.bytes.size());
  auto started =
      writer_.append(record::session_start_payload{session, options_.officer_id, trigger, pre_event_achieved()});
  if (!started) {
    ledger_failed_locked(started.error());
    return core::wrap("start: append session_start", started.error());
  }
  sink_.begin_session(session, 0);
  session_ = session;
  roster_.begin(options_.officer_id);
  refresh_osd_locked();
  run_tag_.clear();
  if (auto ok = pipeline_.start(session.to_hex()); !ok) {
    // The chain already holds the start: close it so the session is bracketed (invariant 1).
    (void)raise_stop_locked(session_event::media_fault, record::stop_reason::fault,
                            record::interruption_reason::pipeline_fault, "pipeline did not start: " + ok.error().context);
    return core::wrap("start", ok.error());
  }
  signal(session::feedback_signal::led_recording, "session " + session.to_hex());
  begin_statement_locked(record::annotation_purpose::start);
  return finish_statement_without_source_locked();
}

core::status recorder_service::finish_recovery(const std::optional<session::open_session>& open,
                                              const std::optional<session::resumable_stop>& stopped) {
  std::lock_guard lock(mutex_);
  if (auto ok = raise_locked(session_event::boot, {}, "boot"); !ok) return ok;
  if (!open && stopped &&
      session::within_resume_window(*stopped, writer_.clock().utc().time, options_.resume_window)) {
    // Recovery's finding is the input: the automatic stop a start would resume.
    resumable_ = stopped;
    note_ = "session " + stopped->session.to_hex() + " stopped (" + std::string(record::to_string(stopped->reason)) +
            "): a start within the resume window resumes it";
    return raise_locked(session_event::recovered_interrupted, {}, "boot");
  }
  if (!open) return raise_locked(session_event::recovered_idle, {}, "boot");
  event_input input;
  input.open = *open;
  return raise_locked(session_event::recovered_resume, std::move(input), "boot");
}

core::status recorder_service::resume_session_locked(const session::open_session& open) {
  session_ = open.session;
  // After a power loss the roster is what the chain says (invariant 8).
  (void)restore_roster_locked(open.session);
  run_tag_.clear();
  sink_.begin_session(open.session, open.next_segment_index);
  // The resumed segments' files carry the boot counter so they never collide with the earlier ones:
  // <session>.r<boot>-<index>.mp4; their records carry the session id and continue its segment index.
  const std::string pipeline_session = open.session.to_hex() + ".r" + std::to_string(writer_.boot_counter());
  if (auto ok = pipeline_.start(pipeline_session); !ok)
    return raise_stop_locked(session_event::media_fault, record::stop_reason::fault,
                             record::interruption_reason::pipeline_fault, "pipeline did not resume: " + ok.error().context);
  signal(session::feedback_signal::led_recording, "session " + open.session.to_hex() + " resumed");
  begin_statement_locked(record::annotation_purpose::resume);
  return finish_statement_without_source_locked();
}

core::status recorder_service::finish_statement_without_source_locked() {
  if (options_.statement) return {};  // poll() finishes it when the capture thread is done
  event_input input;
  input.annotation = collect_statement_locked(false);
  return raise_locked(session_event::annotation_done, std::move(input), "statement");
}

void recorder_service::begin_statement_locked(record::annotation_purpose purpose) {
  if (statement_thread_.joinable()) {  // never expected: collect_statement_locked joins first
    statement_stop_ = true;
    statement_thread_.join();
  }
  statement_purpose_ = purpose;
  statement_result_ = std::make_unique<capture_result>();
  statement_stop_ = false;
  statement_done_ = false;
  signal(session::feedback_signal::prompt, std::string(record::to_string(purpose)) + " statement");
  if (!options_.statement) {
    statement_result_->statement = core::fail(core::errc::not_found, "no annotation source configured");
    statement_done_ = true;
    return;
  }
  statement_thread_ = std::thread([this, settings = *options_.statement, result = statement_result_.get()] {
    result->statement = session::capture_statement(settings, statement_stop_);
    statement_done_ = true;
  });
}

std::optional<record::annotation_payload> recorder_service::collect_statement_locked(bool cut_short) {
  if (!statement_result_) return std::nullopt;
  last_statement_ = record::annotation_status::missing;
  if (cut_short) statement_stop_ = true;
  if (statement_thread_.joinable()) statement_thread_.join();
  const auto result = std::move(statement_result_);
  if (!session_) return std::nullopt;
  record::annotation_payload p;
  p.session = *session_;
  p.purpose = statement_purpose_;
  if (!result->statement) {
    std::fprintf(stderr, "bodycam-recorder: %s statement missing: %s\n",
                 std::string(record::to_string(statement_purpose_)).c_str(), result->statement.error().context.c_str());
    p.status = record::annotation_status::missing;
  } else {
    const auto& captured = *result->statement;
    const auto wav = session::encode_wav(captured.audio);
    std::optional<crypto::sealed_footage> sealed;
    if (!options_.footage_recipients.empty()) {
      auto encrypted = crypto::seal_footage_buffer(wav, options_.footage_recipients, crypto::system_random());
      if (encrypted) sealed = std::move(*encrypted);
      else std::fprintf(stderr, "bodycam-recorder: encrypt statement: %s\n", encrypted.error().context.c_str());
    }
    const auto& bytes = sealed ? sealed->ciphertext : wav;
    // A run resumed after an automatic stop tags its statement with its session_resume's seq: several runs
    // of one session may resume within one boot.
    const std::string name = session_->to_hex() + "-" + std::string(record::to_string(statement_purpose_)) + "-b" +
                             std::to_string(writer_.boot_counter()) + run_tag_ +
                             (statement_purpose_ == record::annotation_purpose::stop && refused_stops_ > 0
                                  ? "-t" + std::to_string(refused_stops_)
                                  : std::string()) +
                             ".wav";
    if (!options_.footage_recipients.empty() && !sealed) {
      p.status = record::annotation_status::missing;  // never written in the clear when keys are configured
    } else if (auto ok = core::write_file_durably(options_.recording_dir / name, bytes, {0644, true}); !ok) {
      std::fprintf(stderr, "bodycam-recorder: statement %s: %s\n", name.c_str(), ok.error().context.c_str());
      p.status = record::annotation_status::missing;
    } else {
      p.status = captured.vad.speech_present ? record::annotation_status::recorded : record::annotation_status::silent;
      p.file_name = name;
      p.byte_length = bytes.size();
      p.file_sha256 = crypto::sha256(bytes);
      p.duration = std::chrono::milliseconds(static_cast<long long>(captured.audio.samples.size()) * 1000 /
                                             std::max(1, captured.audio.sample_rate));
      p.speech_present = captured.vad.speech_present;
      p.speech = captured.vad.speech;
      if (sealed) p.encrypted = record::footage_plaintext{sealed->digests.plaintext_bytes, sealed->digests.plaintext_sha256};
    }
  }
  last_statement_ = p.status;
  if (p.status != record::annotation_status::recorded)
    signal(session::feedback_signal::beep, std::string(record::to_string(statement_purpose_)) + " statement " +
                                               std::string(record::to_string(p.status)));
  return p;
}

core::status recorder_service::append_annotation_locked(std::optional<record::annotation_payload> statement) {
  if (!statement) return {};
  auto& p = *statement;
  const std::string file_name = p.file_name;
  const auto length = p.byte_length;
  const auto digest = p.file_sha256;
  const std::string session_hex = p.session.to_hex();
  // Invariant 9: on a full ledger the record and its file rows wait together.
  auto appended = append_or_defer_locked(std::move(p), [=](ledger::transaction& tx, std::uint64_t seq) -> core::status {
    if (file_name.empty()) return {};
    if (auto ok = tx.add_file({file_name, ledger::file_kind::annotation, session_hex}); !ok) return ok;
    return tx.set_file_state(file_name, {ledger::file_state::sealed, seq, ledger::file_seal{length, digest}});
  });
  if (!appended) {
    ledger_failed_locked(appended.error());
    return core::wrap("append annotation", appended.error());
  }
  return {};
}

core::status recorder_service::close_session_locked(record::stop_reason reason, std::string detail) {
  if (!session_) return {};
  const auto segments = sink_.session_segment_count();
  resumable_.reset();
  // Invariants 5 and 9: note_appended_locked makes an automatic stop resumable once it is in the ledger.
  auto stopped = append_or_defer_locked(record::session_stop_payload{*session_, reason, std::move(detail), segments});
  last_session_ = session_;
  session_.reset();
  refresh_osd_locked();
  signal(session::feedback_signal::led_idle, std::string(record::to_string(reason)));
  if (!stopped) {
    ledger_failed_locked(stopped.error());
    return core::wrap("append session_stop", stopped.error());
  }
  return {};
}

core::status recorder_service::stop_automatically_locked(const event_input& input) {
  // A statement being captured is kept as far as it got; the recording stops now.
  auto statement = append_annotation_locked(collect_statement_locked(true));
  if (!session_) {  // the session's own start never reached the ledger: nothing to stop or explain
    note_ = std::string(record::to_string(input.stop)) + ": " + input.detail;
    alarm(note_);
    return statement;
  }
  std::string detail = input.detail;
  const auto from = writer_.clock().utc().time;
  auto stopped = pipeline_.stop(close_reason_for(input.stop));
  if (!stopped) detail += "; pipeline: " + stopped.error().context;
  record::interruption_payload gap;
  gap.session = session_ ? *session_ : record::session_id{};
  gap.reason = input.interruption;
  gap.from = from;
  gap.to = writer_.clock().utc().time;
  gap.detail = "recording stopped: " + detail;
  if (auto ok = append_or_defer_locked(std::move(gap)); !ok) {
    ledger_failed_locked(ok.error());
    return core::wrap("append interruption", ok.error());
  }
  auto closed = close_session_locked(input.stop, detail);
  note_ = std::string(record::to_string(input.stop)) + ": " + detail;
  alarm(note_);
  if (!statement) return statement;
  return closed;
}

core::expected<control::recorder_status> recorder_service::stop(const control::stop_command& command) {
  std::lock_guard lock(mutex_);
  if (command.reason == record::stop_reason::unsuitable_to_record && !options_.statement)
    return core::fail(core::errc::conflict,
                      "stop: reason unsuitable_to_record needs a spoken stop statement, and this camera has no "
                      "annotation source to record one ([annotation] kind = \"none\"); the session goes on recording");
  // stop_request → capture_stop_statement: the recording goes on while the officer gives the stop statement.
  event_input input;
  input.stop = command.reason;
  if (auto ok = raise_locked(session_event::stop_request, std::move(input), "stop"); !ok)
    return std::unexpected(ok.error());
  return status_locked();
}
core::expected<control::recorder_status> recorder_service::button(const control::button_command&) {
  bool open = false;
  {
    std::lock_guard lock(mutex_);
    open = session::has_open_session(state_);
    if (state_ == session_state::annotating_stop) return status_locked();  // already stopping
  }
  signal(session::feedback_signal::beep, "button");
  if (open) return stop(control::stop_command{record::stop_reason::officer_end});
  return start(control::start_command{record::start_trigger::button});
}

core::expected<control::recorder_status> recorder_service::dock_attach(const control::dock_attach_command&) {
  std::lock_guard lock(mutex_);
  if (auto ok = raise_locked(session_event::dock_attach, {}, "dock_attach"); !ok) return std::unexpected(ok.error());
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::dock_detach(const control::dock_detach_command&) {
  std::lock_guard lock(mutex_);
  if (auto ok = raise_locked(session_event::dock_detach, {}, "dock_detach"); !ok) return std::unexpected(ok.error());
  return status_locked();
}

void recorder_service::check_thresholds_locked() {
  if (!session::has_open_session(state_)) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_threshold_check_) return;
  next_threshold_check_ = now + options_.poll_interval;
  const auto battery = session::read_battery(options_.probe.sysfs_root);
  if (session::is_at_battery_reserve(battery, options_.thresholds.battery_reserve_percent)) {
    (void)raise_stop_locked(session_event::battery_reserve, record::stop_reason::low_battery,
                                    record::interruption_reason::low_battery,
                                    "battery " + std::to_string(*battery.capacity_percent) + "% at the " +
                                        std::to_string(options_.thresholds.battery_reserve_percent) + "% reserve");
    return;
  }
  const auto storage = read_storage(options_.recording_dir.string());
  if (storage.free_bytes && *storage.free_bytes < options_.thresholds.storage_reserve_bytes) {
    const auto wanted = options_.thresholds.storage_reserve_bytes - *storage.free_bytes;
    auto freed = options_.reclaim(wanted);
    if (!freed || *freed == 0) {
      (void)raise_stop_locked(
          session_event::storage_full, record::stop_reason::storage_full, record::interruption_reason::storage_full,
          std::to_string(*storage.free_bytes) + " bytes free, below the reserve, and nothing reclaimable" +
              (freed ? std::string() : " (" + freed.error().context + ")"));
    }
  }
}

void recorder_service::poll() {
  std::lock_guard lock(mutex_);
  if (state_ == session_state::fault) return;
  retry_deferred_locked();
  close_resume_window_if_passed_locked();
  if (auto fault = sink_.fault(); fault && session::has_open_session(state_)) {
    // Invariant 9: the ledger's disk full is storage full; anything else the sink met is a fault.
    const bool full = fault->code == core::errc::no_space;
    (void)raise_stop_locked(full ? session_event::storage_full : session_event::media_fault,
                            full ? record::stop_reason::storage_full : record::stop_reason::fault,
                            full ? record::interruption_reason::storage_full : record::interruption_reason::disk_fault,
                            (full ? "ledger storage full: " : "ledger: ") + fault->context);
    return;
  }
  if (statement_result_ && statement_done_ &&
      (state_ == session_state::annotating_start || state_ == session_state::annotating_resume ||
       state_ == session_state::annotating_stop)) {
    event_input input;
    input.annotation = collect_statement_locked(false);
    // A stop that needs a spoken reason and got none is turned back (invariant 6).
    const bool refused = state_ == session_state::annotating_stop &&
                         pending_stop_ == record::stop_reason::unsuitable_to_record &&
                         last_statement_ != record::annotation_status::recorded;
    (void)raise_locked(refused ? session_event::stop_statement_missing : session_event::annotation_done,
                       std::move(input), "statement");
  }
  if (session::has_open_session(state_)) {
    const auto s = pipeline_.status();
    if (s.state == media::pipeline_state::failed) {
      const bool full = s.last_error && s.last_error->code == core::errc::no_space;
      (void)raise_stop_locked(full ? session_event::storage_full : session_event::media_fault,
                                      full ? record::stop_reason::storage_full : record::stop_reason::fault,
                                      full ? record::interruption_reason::storage_full
                                           : record::interruption_reason::pipeline_fault,
                                      s.last_error ? s.last_error->context : std::string("pipeline failed"));
      return;
    }
    if (s.state == media::pipeline_state::finished) {
      (void)raise_stop_locked(session_event::media_fault, record::stop_reason::shutdown,
                                      record::interruption_reason::other, "source ended");
      return;
    }
  }
  check_thresholds_locked();
}

core::status recorder_service::shutdown() {
  std::lock_guard lock(mutex_);
  if (auto flushed = flush_deferred_locked(); !flushed)
    std::fprintf(stderr, "bodycam-recorder: shutdown with records still waiting for ledger space: %s\n",
                 flushed.error().context.c_str());
  auto statement = append_annotation_locked(collect_statement_locked(true));
  auto shut = pipeline_.shutdown(media::close_reason::stop);
  // A stop whose statement was still being captured ends with the officer's reason.
  auto reason = state_ == session_state::annotating_stop ? pending_stop_ : record::stop_reason::shutdown;
  if (reason == record::stop_reason::unsuitable_to_record && last_statement_ != record::annotation_status::recorded)
    reason = record::stop_reason::shutdown;  // invariant 6: never "unsuitable" without the officer's reason
  auto closed = close_session_locked(reason, shut ? "" : shut.error().context);
  if (!shut) return shut;
  if (!statement) return statement;
  return closed;
}

}  // namespace bodycam::firmware::recorder
