// The recorder's one executor of firmware/session's transition table (recorder_service.hpp invariant 4):
// raise_locked looks up the row for the current state and the event, changes the state — the only place it
// changes — and perform_locked executes exactly that row's action. perform_locked is a switch over every
// session_action with no default, so an action added to the table does not compile until it is handled here.
// An action may raise a follow-up event (run_precheck raises check_passed or check_failed; an append that
// fails raises ledger_fault); each goes through raise_locked again, so docs/state-machines.md stays the whole
// truth of what the camera does.
#include "firmware/recorder/recorder_service.hpp"

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;
using session::session_action;
using session::session_event;
using session::session_state;

core::status recorder_service::raise_locked(session_event event, event_input input, const std::string& why) {
  auto next = session::next_transition(state_, event);
  if (!next)
    return std::unexpected(core::error{next.error().code, why.empty() ? next.error().context
                                                                       : why + ": " + next.error().context});
  state_ = next->to;  // invariant 4: the only assignment of the state
  return perform_locked(next->action, input);
}

core::status recorder_service::raise_stop_locked(session_event event, record::stop_reason reason,
                                                 record::interruption_reason why, std::string detail) {
  event_input input;
  input.stop = reason;
  input.interruption = why;
  input.detail = std::move(detail);
  return raise_locked(event, std::move(input), std::string(record::to_string(reason)));
}

void recorder_service::ledger_failed_locked(const core::error& e) {
  if (ledger_full_locked(e)) return;  // invariant 9: storage full, not a fault
  event_input input;
  input.detail = "ledger fault: " + e.context;
  // In `fault` (or before boot) there is no row: the officer is still told.
  if (!session::next_transition(state_, session_event::ledger_fault)) {
    note_ = input.detail;
    alarm(note_);
    return;
  }
  (void)raise_locked(session_event::ledger_fault, std::move(input), "ledger");
}

core::status recorder_service::perform_locked(session_action action, event_input& input) {
  switch (action) {
    case session_action::none:
      return {};
    case session_action::run_recovery:
      // boot_recovery ran before the daemon handed its findings to finish_recovery (the inputs of the
      // recovered_* event that follows); nothing is left to do on the row itself.
      return {};
    case session_action::run_precheck:
      return run_precheck_locked(true, input);
    case session_action::refuse_start:
      alarm(input.detail);
      return {};
    case session_action::open_session:
      return open_session_locked(input.trigger);
    case session_action::resume_session:
      if (input.open) return resume_session_locked(*input.open);
      return resume_after_stop_locked(input.trigger);
    case session_action::record_annotation:
      return append_annotation_locked(std::move(input.annotation));
    case session_action::capture_stop_statement: {
      // The start or resume statement still running is kept as far as it got; the recording goes on.
      auto kept = append_annotation_locked(collect_statement_locked(true));
      if (!kept) return kept;
      pending_stop_ = input.stop;
      begin_statement_locked(record::annotation_purpose::stop);
      return finish_statement_without_source_locked();
    }
    case session_action::close_session: {
      if (auto ok = append_annotation_locked(std::move(input.annotation)); !ok) return ok;
      auto stopped = pipeline_.stop(close_reason_for(pending_stop_));
      auto closed = close_session_locked(pending_stop_, stopped ? "" : "pipeline: " + stopped.error().context);
      if (!closed) return closed;
      if (!stopped) return core::wrap("stop", stopped.error());
      return {};
    }
    case session_action::stop_automatically:
      return stop_automatically_locked(input);
    case session_action::enter_dock:
    case session_action::leave_dock:
      // The offload service (its own component on the control socket) talks to the dock; the recorder
      // neither records nor stops anything: the state alone keeps a start out while docked.
      return {};
    case session_action::raise_fault:
      note_ = input.detail;
      alarm(note_);
      return {};
    case session_action::forget_resume:
      if (resumable_) note_ = "session " + resumable_->session.to_hex() + " closed for good: no resume within the window";
      resumable_.reset();
      return {};
    case session_action::record_action:
    case session_action::record_mark:
    case session_action::record_officer:
      if (!input.body)
        return core::fail(core::errc::conflict, std::string(session::to_string(action)) + ": no record was given");
      return append_session_record_locked(std::move(*input.body));
    case session_action::keep_recording:
      if (auto ok = append_annotation_locked(std::move(input.annotation)); !ok) return ok;
      keep_recording_locked();
      return {};
    case session_action::record_photo:
      return take_photo_locked();
  }
  return core::fail(core::errc::invalid_argument,
                    "perform action " + std::to_string(static_cast<int>(action)) + ": not in the table");
}

}  // namespace bodycam::firmware::recorder
