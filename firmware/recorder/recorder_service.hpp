// The recorder as the control socket, the record button and the daemon's poll loop see it: session control
// driven by firmware/session's transition table (docs/state-machines.md). It performs each row's action:
// pre-shift checks and their `precheck` record, session_start, the pipeline, prompts and alarms through the
// feedback port, start/stop/resume statements captured on their own thread with their `annotation`
// records, automatic stops (battery at the reserve, storage full with nothing reclaimable, media fault)
// with `interruption` + `session_stop`, the resume of a session recovery found open, and the resume of a
// session stopped automatically when the officer starts again within the resume window (`session_resume`
// naming the stop, then a resume statement instead of a start statement).
// Invariants:
//  1. Every session in the chain is bracketed: `session_start` before its first segment and `session_stop`
//     (with its reason) after its last — also on automatic stops, pipeline failures and shutdown.
//  2. No session starts while the ledger is in fault or the pre-shift checks fail; every start attempt
//     leaves a `precheck` record.
//  3. A statement never blocks or stops the recording: it is captured on its own thread while the pipeline
//     runs; a missing or silent one is recorded as such.
//  4. The table drives the camera: every entry point (commands, poll, boot, ledger faults) only gathers its
//     inputs and raises an event; raise_locked is the only place the state changes (through next_transition,
//     session_table.hpp), and perform_locked executes exactly the row's action — whether a start opens a new
//     session or resumes the interrupted one is the row's action (open_session, resume_session). The one
//     exit outside the table is shutdown(): the process ends, the open session is closed with `shutdown`.
//  5. A start resumes only an automatic stop (low battery, storage full, fault) whose claimed UTC is at most
//     `resume_window` before now; the stop is taken from the ledger at boot, so a reboot in between (battery
//     swap) still resumes. Each session_start and session_resume records the pre-event footage the ring held.
//  6. An action, a mark or an officer's join or leave is appended only while a session is open and only after
//     session_roster has checked it; the roster changes only after the record is in the ledger. A stop with
//     reason unsuitable_to_record needs a stop statement: refused when no statement can be captured, and a
//     missing or silent one turns the stop back (stop_statement_missing): the session goes on recording.
//  7. A photo is taken only while a session is open, from the frame the pipeline is encoding, and never at
//     the cost of the footage: it is refused (with the reason, the session untouched) when it would cut into
//     the storage reserve, when no frame comes, or when its file cannot be written; its file is durable
//     before its `photo` record seals it (recorder_photo.cpp).
//  8. When a session resumes (after a power loss or an automatic stop), its roster — the action in force,
//     the case number and the officers who joined and did not leave — is rebuilt from its records in the
//     ledger, and the OSD's session line shows it again from the next frame on.
//  9. The ledger's disk full is storage full, not a ledger fault (recorder_space.cpp): an append failing with
//     no_space stops an open session with `storage_full`; the records of that stop wait in order and are
//     appended once space is freed, before anything else; the stop is resumable only once its session_stop
//     is in the ledger. `fault` stays for corruption and I/O errors.
// Thread-safety: commands and poll() come from the io_context thread, the statement thread only sets its
// result; one mutex serialises the rest.
#pragma once

#include "common/crypto/footage_key.hpp"

#include "firmware/control/command_handler.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "firmware/recorder/ledger_sink.hpp"
#include "firmware/recorder/precheck_probe.hpp"
#include "firmware/records/chain_writer.hpp"
#include "firmware/session/feedback_port.hpp"
#include "firmware/session/recovery_plan.hpp"
#include "firmware/session/session_roster.hpp"
#include "firmware/session/session_table.hpp"
#include "firmware/session/statement_capture.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace bodycam::firmware::recorder {

// Frees receipt-covered files when the camera needs space (the offload module provides it): returns the
// bytes freed, 0 when nothing is reclaimable.
using reclaim_function = std::function<common::core::expected<std::uint64_t>(std::uint64_t bytes_wanted)>;

struct service_options {
  std::string officer_id;
  std::chrono::milliseconds pre_event{0};
  std::filesystem::path recording_dir;
  probe_settings probe;
  session::precheck_thresholds thresholds;
  common::crypto::public_key device_key;
  std::optional<session::statement_settings> statement;  // nullopt: annotation.kind = "none"
  // [footage]: statements and photos are encrypted to these keys as written (empty: in the clear), like segments.
  std::vector<common::crypto::footage_public_key> footage_recipients;
  std::chrono::milliseconds poll_interval{5000};         // battery and storage while a session is open
  std::chrono::milliseconds resume_window{std::chrono::minutes(30)};  // after an automatic stop
  std::vector<std::string> actions = session::default_actions();  // [session] actions
  reclaim_function reclaim = [](std::uint64_t) -> common::core::expected<std::uint64_t> { return 0; };
};

class recorder_service final : public control::command_handler {
 public:
  recorder_service(records::chain_writer& writer, ledger_sink& sink, media::recording_pipeline& pipeline,
                   session::feedback_port& feedback, service_options options);
  ~recorder_service() override;

  [[nodiscard]] common::core::expected<control::recorder_status> start(const control::start_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> stop(const control::stop_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> status(const control::status_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> precheck(const control::precheck_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> button(const control::button_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> dock_attach(const control::dock_attach_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> dock_detach(const control::dock_detach_command& command) override;
  // recorder_fields.cpp: what is done in the open session, important moments, officers joining and leaving.
  [[nodiscard]] common::core::expected<control::recorder_status> action(const control::action_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> mark(const control::mark_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> officer(const control::officer_command& command) override;
  // recorder_photo.cpp: a still of the live video (invariant 7).
  [[nodiscard]] common::core::expected<control::recorder_status> photo(const control::photo_command& command) override;

  // Boot: off → recovering → idle, → annotating_resume with the session recovery found open, or
  // → interrupted with the automatic stop found in the ledger if its resume window is still open.
  [[nodiscard]] common::core::status finish_recovery(const std::optional<session::open_session>& open,
                                                     const std::optional<session::resumable_stop>& stopped = {});
  // Finished statements, battery and storage thresholds, pipeline faults.
  void poll();
  // Ends an open session (reason shutdown) and shuts the pipeline down.
  [[nodiscard]] common::core::status shutdown();
  [[nodiscard]] bool is_faulted() const;
  [[nodiscard]] session::session_state state() const;

 private:
  struct capture_result;
  // What an entry point gathered for one event: the inputs the row's action needs (recorder_actions.cpp).
  struct event_input {
    common::record::start_trigger trigger = common::record::start_trigger::button;
    common::record::stop_reason stop = common::record::stop_reason::officer_end;
    common::record::interruption_reason interruption = common::record::interruption_reason::other;
    std::string detail;
    // annotation_done: the finished statement (its WAV file already written); nullopt without a session.
    std::optional<common::record::annotation_payload> annotation;
    // record_action, record_mark, record_officer: the record the roster checked.
    std::optional<common::record::payload> body;
    // recovered_resume: the session recovery found open.
    std::optional<session::open_session> open;
  };
  [[nodiscard]] control::recorder_status status_locked() const;
  // The one executor (invariant 4): next_transition for `event`, the state change, then perform() of the
  // row's action. An event without a row is refused ("<why>: event E not allowed in state S").
  [[nodiscard]] common::core::status raise_locked(session::session_event event, event_input input,
                                                  const std::string& why);
  // Performs exactly one action of the table: a switch over every session_action, no default.
  [[nodiscard]] common::core::status perform_locked(session::session_action action, event_input& input);
  // Feeds resume_window_closed when the interrupted session can no longer be resumed.
  void close_resume_window_if_passed_locked();
  [[nodiscard]] std::chrono::milliseconds pre_event_achieved() const;
  [[nodiscard]] common::core::status resume_after_stop_locked(common::record::start_trigger trigger);
  // run_precheck: the `precheck` record; raises check_passed or check_failed when `for_start`.
  [[nodiscard]] common::core::status run_precheck_locked(bool for_start, event_input& input);
  [[nodiscard]] common::core::status open_session_locked(common::record::start_trigger trigger);
  [[nodiscard]] common::core::status resume_session_locked(const session::open_session& open);
  void begin_statement_locked(common::record::annotation_purpose purpose);
  // Waits for the statement thread (asking it to stop first if `cut_short`) and writes its WAV file; the
  // `annotation` record to append, or nullopt when no statement was running or no session is open.
  [[nodiscard]] std::optional<common::record::annotation_payload> collect_statement_locked(bool cut_short);
  [[nodiscard]] common::core::status append_annotation_locked(std::optional<common::record::annotation_payload> p);
  // With no annotation source the statement is `missing` at once: annotation_done is raised now.
  [[nodiscard]] common::core::status finish_statement_without_source_locked();
  [[nodiscard]] common::core::status close_session_locked(common::record::stop_reason reason, std::string detail);
  // stop_automatically: the running statement kept, pipeline stop, `interruption` + `session_stop`, alarm.
  [[nodiscard]] common::core::status stop_automatically_locked(const event_input& input);
  // Raises an automatic stop event with its reasons.
  [[nodiscard]] common::core::status raise_stop_locked(session::session_event event, common::record::stop_reason reason,
                                                       common::record::interruption_reason why, std::string detail);
  // record_photo (recorder_photo.cpp): still, JPEG, reserve check, durable file, `photo` record.
  [[nodiscard]] common::core::status take_photo_locked();
  void check_thresholds_locked();
  // Refuses (errc::conflict) a session event the table has no row for in the current state, in words.
  [[nodiscard]] common::core::status check_session_event_locked(session::session_event event, std::string_view what) const;
  // record_action / record_mark / record_officer: appends the checked record, then updates the roster.
  [[nodiscard]] common::core::status append_session_record_locked(common::record::payload body);
  // keep_recording: the stop that needs a statement got none (invariant 6).
  void keep_recording_locked();
  // recorder_photo.cpp: the OSD's session line from the roster; the roster from the ledger (invariant 8).
  void refresh_osd_locked();
  [[nodiscard]] std::string osd_line_locked() const;
  [[nodiscard]] common::core::status restore_roster_locked(const common::record::session_id& session);
  void alarm(std::string_view detail);
  void signal(session::feedback_signal what, std::string_view detail);
  void ledger_failed_locked(const common::core::error& e);
  // recorder_space.cpp (invariant 9).
  [[nodiscard]] bool ledger_full_locked(const common::core::error& e);
  [[nodiscard]] bool has_deferred_locked() const;
  [[nodiscard]] common::core::status append_or_defer_locked(common::record::payload body,
                                                            records::chain_writer::rows_with_record rows = {});
  [[nodiscard]] common::core::status flush_deferred_locked();
  void retry_deferred_locked();
  void note_appended_locked(const common::record::signed_record& appended);

  records::chain_writer& writer_;
  ledger_sink& sink_;
  media::recording_pipeline& pipeline_;
  session::feedback_port& feedback_;
  service_options options_;
  session::session_state state_ = session::session_state::off;
  std::optional<common::record::session_id> session_;
  std::optional<common::record::session_id> last_session_;
  std::optional<session::resumable_stop> resumable_;  // while awaits_resume(state_)
  session::session_roster roster_;
  common::record::annotation_status last_statement_ = common::record::annotation_status::missing;
  // Stops turned back in this boot: a later stop statement's file is tagged "-t<n>" so it never collides.
  std::uint32_t refused_stops_ = 0;
  std::string run_tag_;  // "-s<seq>" in a run resumed by session_resume seq, for its statement files
  common::record::stop_reason pending_stop_ = common::record::stop_reason::officer_end;
  std::string last_precheck_;
  std::string note_;
  std::chrono::steady_clock::time_point next_threshold_check_{};
  // Records kept back while the ledger's disk is full, in chain order (invariant 9).
  std::vector<std::pair<common::record::payload, records::chain_writer::rows_with_record>> deferred_;
  std::chrono::steady_clock::time_point next_flush_{};

  // The statement being captured (invariant 3).
  std::thread statement_thread_;
  std::atomic<bool> statement_stop_{false};
  std::atomic<bool> statement_done_{false};
  common::record::annotation_purpose statement_purpose_ = common::record::annotation_purpose::start;
  std::unique_ptr<capture_result> statement_result_;

  mutable std::mutex mutex_;
};

[[nodiscard]] media::close_reason close_reason_for(common::record::stop_reason reason) noexcept;

}  // namespace bodycam::firmware::recorder
