// The camera's session control as data (DESIGN.md §4, STYLE.md practice 4): one table of
// state × event → state + action, mirrored row for row in docs/state-machines.md. Pure: no I/O.
// The daemon (firmware/recorder/recorder_service) feeds it events from buttons, the control socket,
// pre-shift checks, battery and storage thresholds, pipeline faults and the dock, and performs the action
// of the row it gets back.
// Invariants:
//  1. An event that has no row for the current state is refused (errc::conflict naming both); the state
//     does not change. There is no implicit "ignore".
//  2. Every state except `off` can reach `fault` (ledger_fault), and `fault` has no way out but a restart
//     (boot happens only in `off`).
//  3. Every path out of a state with an open session (annotating_start, recording, annotating_resume,
//     annotating_stop) goes through an action that writes `session_stop` (close_session, stop_automatically)
//     or keeps the session open; none leaves silently ("no silent stop").
//  4. A start resumes the interrupted session only from `interrupted` (via checking_resume); an officer's
//     stop, and resume_window_closed, lead to states from which a start opens a new session.
//  5. An action, a mark, a photo or an officer joining or leaving is recorded only while a session is open (the four
//     states of has_open_session) and never changes the state; elsewhere it is refused (invariant 1).
//  6. A stop whose reason needs a spoken statement (unsuitable_to_record) and whose statement came out
//     missing or silent does not stop: stop_statement_missing returns to recording (keep_recording).
#pragma once

#include "common/core/error.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace bodycam::firmware::session {

enum class session_state : std::uint8_t {
  off,                // the daemon has not booted yet
  recovering,         // boot: salvaging .partial segments, deciding whether a session must resume
  idle,               // buffering: pre-event ring filling, no session
  checking,           // pre-shift checks running for a start request
  annotating_start,   // session open, recording, start statement being captured
  recording,          // session open, recording
  annotating_stop,    // stop requested: recording continues while the stop statement is captured
  annotating_resume,  // session resumed after an interruption, resume statement being captured
  interrupted,        // the session was stopped automatically (battery, storage, fault); nothing recording;
                      // a start within the resume window resumes it
  docked,             // in the dock: offload, no recording
  fault,              // the ledger cannot be written: no session may start; restart needed
  checking_resume,    // pre-shift checks running for a start that resumes the interrupted session
  docked_interrupted, // in the dock after an automatic stop whose resume window is still open
};

enum class session_event : std::uint8_t {
  boot,
  recovered_idle,     // recovery done, no session was open
  recovered_resume,   // recovery done, a session was open: it resumes
  start_request,      // button or control socket
  check_passed,       // pre-shift checks passed (maybe with warnings)
  check_failed,       // a hard failure: start refused
  annotation_done,    // the statement being captured is finished (recorded, silent or missing)
  stop_request,       // button or control socket, with a reason
  battery_reserve,    // battery at the low-battery reserve
  storage_full,       // no space and nothing reclaimable
  media_fault,        // encoder or disk fault: the pipeline stopped
  dock_attach,
  dock_detach,
  ledger_fault,       // a record could not be appended
  recovered_interrupted,  // recovery done, no session open, but the last one stopped automatically and its
                          // resume window is still open (e.g. the battery was swapped)
  resume_window_closed,   // the resume window of the automatic stop has passed: the next start is a new session
  action_request,         // the officer sets the action being taken (and the case number)
  mark_request,           // the officer marks an important moment
  officer_request,        // an officer joins or leaves the session
  stop_statement_missing, // the stop statement a stop reason requires is missing or silent (invariant 6)
  photo_request,          // the officer takes a photo of the live video
};

enum class session_action : std::uint8_t {
  none,
  run_recovery,         // salvage .partial files, boot/recovery/interruption records
  run_precheck,         // evaluate the pre-shift checks, append `precheck`
  refuse_start,         // alarm; the start is refused with the failed checks
  open_session,         // session_start, pipeline start, prompt, capture start statement
  resume_session,       // pipeline start in the open session, prompt, capture resume statement
  record_annotation,    // append the `annotation` of the finished statement
  capture_stop_statement,  // prompt, capture stop statement (recording continues)
  close_session,        // stop statement recorded: pipeline stop, `session_stop` with the officer's reason
  stop_automatically,   // pipeline stop, `interruption` + `session_stop` with the automatic reason, alarm
  enter_dock,
  leave_dock,
  raise_fault,          // alarm; refuse everything until restart
  forget_resume,        // the interrupted session is closed for good: drop what a resume would need
  record_action,        // append `action`
  record_mark,          // append `mark`
  record_officer,       // append `officer` (join or leave)
  keep_recording,       // the stop is refused after all: alarm, the session goes on recording
  record_photo,         // take the still, store its file durably, append `photo`
};

struct session_transition {
  session_state from;
  session_event event;
  session_state to;
  session_action action;
};

[[nodiscard]] std::span<const session_transition> session_transitions() noexcept;

// The row for (from, event), or errc::conflict "event <e> not allowed in state <s>" (invariant 1).
[[nodiscard]] common::core::expected<session_transition> next_transition(session_state from, session_event event);

[[nodiscard]] std::string_view to_string(session_state state) noexcept;
[[nodiscard]] std::string_view to_string(session_event event) noexcept;
[[nodiscard]] std::string_view to_string(session_action action) noexcept;

inline constexpr std::array<session_state, 13> all_session_states{
    session_state::off,         session_state::recovering,      session_state::idle,
    session_state::checking,    session_state::annotating_start, session_state::recording,
    session_state::annotating_stop, session_state::annotating_resume, session_state::interrupted,
    session_state::docked,      session_state::fault,           session_state::checking_resume,
    session_state::docked_interrupted};
inline constexpr std::array<session_event, 21> all_session_events{
    session_event::boot,         session_event::recovered_idle,  session_event::recovered_resume,
    session_event::start_request, session_event::check_passed,   session_event::check_failed,
    session_event::annotation_done, session_event::stop_request, session_event::battery_reserve,
    session_event::storage_full, session_event::media_fault,     session_event::dock_attach,
    session_event::dock_detach,  session_event::ledger_fault,    session_event::recovered_interrupted,
    session_event::resume_window_closed, session_event::action_request, session_event::mark_request,
    session_event::officer_request, session_event::stop_statement_missing, session_event::photo_request};

// True in the states that remember an automatic stop whose session a start would resume.
[[nodiscard]] bool awaits_resume(session_state state) noexcept;

// True in the states where a session is open (session_start written, session_stop not yet).
[[nodiscard]] bool has_open_session(session_state state) noexcept;

}  // namespace bodycam::firmware::session
