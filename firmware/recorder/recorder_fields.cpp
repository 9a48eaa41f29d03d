// The recorder's session records (recorder_service.hpp invariant 6): the action being taken and its case
// number, important moments, officers joining and leaving, and the stop that needs a spoken statement. Each
// request is checked against the transition table (a session must be open) and by the session roster before
// anything is written; the roster changes only once the signed record is in the ledger.
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

core::status recorder_service::append_session_record_locked(session_event event, std::string_view what,
                                                            record::payload body) {
  if (auto appended = writer_.append(std::move(body)); !appended) {
    ledger_failed_locked(appended.error());
    return core::wrap(std::string(what) + ": append " + std::string(what) + " record", appended.error());
  }
  // The row keeps the state (session_table.hpp invariant 5); going through it keeps the table the truth.
  return apply_locked(event, std::string(what));
}

core::expected<control::recorder_status> recorder_service::action(const control::action_command& command) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::action_request, "action"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = roster_.check_action(command.action, command.case_number); !ok)
    return core::wrap("action", ok.error());
  if (auto ok = append_session_record_locked(session_event::action_request, "action",
                                             record::action_payload{*session_, command.action, command.case_number});
      !ok)
    return std::unexpected(ok.error());
  roster_.apply_action(command.action, command.case_number);
  refresh_osd_locked();
  note_ = "action " + command.action + (command.case_number.empty() ? "" : ", case " + command.case_number);
  signal(session::feedback_signal::beep, note_);
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::mark(const control::mark_command& command) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::mark_request, "mark"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = roster_.check_mark(command.label); !ok) return core::wrap("mark", ok.error());
  if (auto ok = append_session_record_locked(session_event::mark_request, "mark",
                                             record::mark_payload{*session_, command.label});
      !ok)
    return std::unexpected(ok.error());
  note_ = "important moment marked" + (command.label.empty() ? std::string() : ": " + command.label);
  signal(session::feedback_signal::beep, note_);
  return status_locked();
}

core::expected<control::recorder_status> recorder_service::officer(const control::officer_command& command) {
  std::lock_guard lock(mutex_);
  if (auto ok = check_session_event_locked(session_event::officer_request, "officer"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = roster_.check_officer(command.officer_id, command.change); !ok) return core::wrap("officer", ok.error());
  if (auto ok = append_session_record_locked(session_event::officer_request, "officer",
                                             record::officer_payload{*session_, command.officer_id, command.change});
      !ok)
    return std::unexpected(ok.error());
  roster_.apply_officer(command.officer_id, command.change);
  refresh_osd_locked();
  note_ = "officer " + command.officer_id +
          (command.change == record::officer_change::join ? " joined" : " left") + "; " +
          std::to_string(roster_.officer_count()) + " officers present";
  signal(session::feedback_signal::beep, note_);
  return status_locked();
}

bool recorder_service::stop_refused_without_statement_locked() {
  if (pending_stop_ != record::stop_reason::unsuitable_to_record ||
      last_statement_ == record::annotation_status::recorded)
    return false;
  if (!apply_locked(session_event::stop_statement_missing, "stop")) return false;
  note_ = "stop refused: unsuitable_to_record needs a spoken reason, and the stop statement was " +
          std::string(record::to_string(last_statement_)) + "; the session goes on recording";
  pending_stop_ = record::stop_reason::officer_end;
  ++refused_stops_;
  alarm(note_);
  return true;
}

}  // namespace bodycam::firmware::recorder
