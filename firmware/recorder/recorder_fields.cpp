// The recorder's session records (recorder_service.hpp invariant 6): the action being taken and its case
// number, important moments, officers joining and leaving, and the stop that needs a spoken statement. Each
// request is checked against the transition table (a session must be open) and by the session roster before
// anything is written; the event then goes through the table, whose action (recorder_actions.cpp) appends
// the record, and the roster changes only once the signed record is in the ledger.
#include "firmware/recorder/recorder_service.hpp"

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;
using session::session_event;
using session::session_state;

core::status recorder_service::check_session_event_locked(session_event event, std::string_view what) const {
  if (session::next_transition(state_, event)) return {};
  return core::fail(core::errc::conflict, std::string(what) + ": only while recording; the recorder is " +
                                              std::string(session::to_string(state_)) + " (no session is open)");
}

core::status recorder_service::append_session_record_locked(record::payload body) {
  const auto kind = record::kind_of(body);
  const std::string what(record::to_string(kind));
  const record::payload kept = body;
  if (auto appended = writer_.append(std::move(body)); !appended) {
    ledger_failed_locked(appended.error());
    return core::wrap(what + ": append " + what + " record", appended.error());
  }
  // Invariant 6: the roster changes only once the record is in the ledger.
  roster_.replay(kept);
  refresh_osd_locked();
  if (const auto* a = std::get_if<record::action_payload>(&kept)) {
    note_ = "action " + a->action + (a->case_number.empty() ? "" : ", case " + a->case_number);
  } else if (const auto* m = std::get_if<record::mark_payload>(&kept)) {
    note_ = "important moment marked" + (m->label.empty() ? std::string() : ": " + m->label);
  } else if (const auto* o = std::get_if<record::officer_payload>(&kept)) {
    note_ = "officer " + o->officer_id + (o->change == record::officer_change::join ? " joined" : " left") + "; " +
            std::to_string(roster_.officer_count()) + " officers present";
  }
  signal(session::feedback_signal::beep, note_);
  return {};
}

core::expected<control::recorder_status> recorder_service::action(const control::action_command& command) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::action_request, "action"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = roster_.check_action(command.action, command.case_number); !ok)
    return core::wrap("action", ok.error());
  event_input input;
  input.body = record::action_payload{*session_, command.action, command.case_number};
  if (auto ok = raise_locked(session_event::action_request, std::move(input), "action"); !ok)
    return std::unexpected(ok.error());
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::mark(const control::mark_command& command) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::mark_request, "mark"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = roster_.check_mark(command.label); !ok) return core::wrap("mark", ok.error());
  event_input input;
  input.body = record::mark_payload{*session_, command.label};
  if (auto ok = raise_locked(session_event::mark_request, std::move(input), "mark"); !ok)
    return std::unexpected(ok.error());
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::officer(const control::officer_command& command) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::officer_request, "officer"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = roster_.check_officer(command.officer_id, command.change); !ok) return core::wrap("officer", ok.error());
  event_input input;
  input.body = record::officer_payload{*session_, command.officer_id, command.change};
  if (auto ok = raise_locked(session_event::officer_request, std::move(input), "officer"); !ok)
    return std::unexpected(ok.error());
  return status_locked();
}

void recorder_service::keep_recording_locked() {
  note_ = "stop refused: unsuitable_to_record needs a spoken reason, and the stop statement was " +
          std::string(record::to_string(last_statement_)) + "; the session goes on recording";
  pending_stop_ = record::stop_reason::officer_end;
  ++refused_stops_;
  alarm(note_);
}

}  // namespace bodycam::firmware::recorder
