// The transition table, row by row, and every (state, event) pair without a row (refused, state unchanged).
#include "firmware/session/session_table.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace session_table_test {

using namespace bodycam::firmware::session;
using s = session_state;
using e = session_event;
using a = session_action;

namespace {
// The expected table, written out independently of session_table.cpp (and in docs/state-machines.md).
const std::map<std::pair<s, e>, std::pair<s, a>> expected{
    {{s::off, e::boot}, {s::recovering, a::run_recovery}},
    {{s::recovering, e::recovered_idle}, {s::idle, a::none}},
    {{s::recovering, e::recovered_resume}, {s::annotating_resume, a::resume_session}},
    {{s::recovering, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::idle, e::start_request}, {s::checking, a::run_precheck}},
    {{s::idle, e::dock_attach}, {s::docked, a::enter_dock}},
    {{s::idle, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::idle, e::battery_reserve}, {s::idle, a::none}},
    {{s::idle, e::storage_full}, {s::idle, a::none}},
    {{s::idle, e::media_fault}, {s::fault, a::raise_fault}},
    {{s::checking, e::check_passed}, {s::annotating_start, a::open_session}},
    {{s::checking, e::check_failed}, {s::idle, a::refuse_start}},
    {{s::checking, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::annotating_start, e::annotation_done}, {s::recording, a::record_annotation}},
    {{s::annotating_start, e::stop_request}, {s::annotating_stop, a::capture_stop_statement}},
    {{s::annotating_start, e::battery_reserve}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_start, e::storage_full}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_start, e::media_fault}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_start, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::recording, e::stop_request}, {s::annotating_stop, a::capture_stop_statement}},
    {{s::recording, e::battery_reserve}, {s::interrupted, a::stop_automatically}},
    {{s::recording, e::storage_full}, {s::interrupted, a::stop_automatically}},
    {{s::recording, e::media_fault}, {s::interrupted, a::stop_automatically}},
    {{s::recording, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::annotating_resume, e::annotation_done}, {s::recording, a::record_annotation}},
    {{s::annotating_resume, e::stop_request}, {s::annotating_stop, a::capture_stop_statement}},
    {{s::annotating_resume, e::battery_reserve}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_resume, e::storage_full}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_resume, e::media_fault}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_resume, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::annotating_stop, e::annotation_done}, {s::idle, a::close_session}},
    {{s::annotating_stop, e::battery_reserve}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_stop, e::storage_full}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_stop, e::media_fault}, {s::interrupted, a::stop_automatically}},
    {{s::annotating_stop, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::recovering, e::recovered_interrupted}, {s::interrupted, a::none}},
    {{s::interrupted, e::start_request}, {s::checking_resume, a::run_precheck}},
    {{s::interrupted, e::dock_attach}, {s::docked_interrupted, a::enter_dock}},
    {{s::interrupted, e::resume_window_closed}, {s::idle, a::forget_resume}},
    {{s::checking_resume, e::check_passed}, {s::annotating_resume, a::resume_session}},
    {{s::checking_resume, e::check_failed}, {s::interrupted, a::refuse_start}},
    {{s::checking_resume, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::docked_interrupted, e::dock_detach}, {s::interrupted, a::leave_dock}},
    {{s::docked_interrupted, e::resume_window_closed}, {s::docked, a::forget_resume}},
    {{s::docked_interrupted, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::docked_interrupted, e::battery_reserve}, {s::docked_interrupted, a::none}},
    {{s::interrupted, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::interrupted, e::battery_reserve}, {s::interrupted, a::none}},
    {{s::interrupted, e::storage_full}, {s::interrupted, a::none}},
    {{s::docked, e::dock_detach}, {s::idle, a::leave_dock}},
    {{s::docked, e::ledger_fault}, {s::fault, a::raise_fault}},
    {{s::docked, e::battery_reserve}, {s::docked, a::none}},
    {{s::annotating_start, e::action_request}, {s::annotating_start, a::record_action}},
    {{s::recording, e::action_request}, {s::recording, a::record_action}},
    {{s::annotating_resume, e::action_request}, {s::annotating_resume, a::record_action}},
    {{s::annotating_stop, e::action_request}, {s::annotating_stop, a::record_action}},
    {{s::annotating_start, e::mark_request}, {s::annotating_start, a::record_mark}},
    {{s::recording, e::mark_request}, {s::recording, a::record_mark}},
    {{s::annotating_resume, e::mark_request}, {s::annotating_resume, a::record_mark}},
    {{s::annotating_stop, e::mark_request}, {s::annotating_stop, a::record_mark}},
    {{s::annotating_start, e::photo_request}, {s::annotating_start, a::record_photo}},
    {{s::recording, e::photo_request}, {s::recording, a::record_photo}},
    {{s::annotating_resume, e::photo_request}, {s::annotating_resume, a::record_photo}},
    {{s::annotating_stop, e::photo_request}, {s::annotating_stop, a::record_photo}},
    {{s::annotating_start, e::officer_request}, {s::annotating_start, a::record_officer}},
    {{s::recording, e::officer_request}, {s::recording, a::record_officer}},
    {{s::annotating_resume, e::officer_request}, {s::annotating_resume, a::record_officer}},
    {{s::annotating_stop, e::officer_request}, {s::annotating_stop, a::record_officer}},
    {{s::annotating_stop, e::stop_statement_missing}, {s::recording, a::keep_recording}},
};
}  // namespace

TEST_CASE("every row of the table is the expected one, and the table has no duplicates") {
  std::set<std::pair<s, e>> seen;
  for (const auto& row : session_transitions()) {
    INFO(to_string(row.from) << " + " << to_string(row.event));
    CHECK(seen.insert({row.from, row.event}).second);
    const auto it = expected.find({row.from, row.event});
    REQUIRE(it != expected.end());
    CHECK(row.to == it->second.first);
    CHECK(row.action == it->second.second);
  }
  CHECK(seen.size() == expected.size());
}

TEST_CASE("every (state, event) pair: allowed ones give their row, forbidden ones are refused") {
  int allowed = 0, forbidden = 0;
  for (auto state : all_session_states) {
    for (auto event : all_session_events) {
      INFO(to_string(state) << " + " << to_string(event));
      const auto next = next_transition(state, event);
      const auto it = expected.find({state, event});
      if (it == expected.end()) {
        REQUIRE_FALSE(next);
        CHECK(next.error().code == bodycam::common::core::errc::conflict);
        CHECK(next.error().context == "event " + std::string(to_string(event)) + " not allowed in state " +
                                          std::string(to_string(state)));
        ++forbidden;
      } else {
        REQUIRE(next);
        CHECK(next->to == it->second.first);
        CHECK(next->action == it->second.second);
        ++allowed;
      }
    }
  }
  CHECK(allowed == static_cast<int>(expected.size()));
  CHECK(forbidden == 13 * 21 - allowed);
}

TEST_CASE("named forbidden transitions") {
  CHECK_FALSE(next_transition(s::recording, e::start_request));   // already recording
  CHECK_FALSE(next_transition(s::idle, e::stop_request));         // nothing to stop
  CHECK_FALSE(next_transition(s::docked, e::start_request));      // no recording in the dock
  CHECK_FALSE(next_transition(s::fault, e::start_request));       // fault: restart needed
  CHECK_FALSE(next_transition(s::fault, e::boot));
  CHECK_FALSE(next_transition(s::recording, e::dock_attach));     // stop first (with a reason)
  CHECK_FALSE(next_transition(s::idle, e::annotation_done));
  CHECK_FALSE(next_transition(s::annotating_stop, e::stop_request));
}

TEST_CASE("no silent stop: every way out of an open session writes session_stop or keeps the session") {
  for (const auto& row : session_transitions()) {
    if (!has_open_session(row.from) || has_open_session(row.to)) continue;
    INFO(to_string(row.from) << " + " << to_string(row.event) << " -> " << to_string(row.to));
    const bool closes = row.action == a::close_session || row.action == a::stop_automatically ||
                        row.action == a::raise_fault;
    CHECK(closes);
  }
}

TEST_CASE("every state but off reaches fault on a ledger fault; fault has no way out") {
  for (auto state : all_session_states) {
    if (state == s::off || state == s::fault) continue;
    INFO(to_string(state));
    const auto next = next_transition(state, e::ledger_fault);
    REQUIRE(next);
    CHECK(next->to == s::fault);
  }
  for (auto event : all_session_events) CHECK_FALSE(next_transition(s::fault, event));
}

TEST_CASE("resume after an automatic stop: every new event in every state, and the paths through it") {
  // The new events are allowed exactly where the expected table has them (checked pair by pair above);
  // here each one's reach is spelled out.
  for (auto state : all_session_states) {
    INFO(to_string(state));
    const bool window_state = state == s::interrupted || state == s::docked_interrupted;
    CHECK(next_transition(state, e::resume_window_closed).has_value() == window_state);
    CHECK(next_transition(state, e::recovered_interrupted).has_value() == (state == s::recovering));
  }
  // Automatic stop -> start within the window -> checks -> the same session resumes with a resume statement.
  auto row = next_transition(s::recording, e::battery_reserve).value();
  REQUIRE(row.to == s::interrupted);
  row = next_transition(row.to, e::start_request).value();
  REQUIRE(row.to == s::checking_resume);
  row = next_transition(row.to, e::check_passed).value();
  CHECK(row.to == s::annotating_resume);
  CHECK(row.action == a::resume_session);
  // Storage freed in the dock: leaving it keeps the resume.
  row = next_transition(s::interrupted, e::dock_attach).value();
  row = next_transition(row.to, e::dock_detach).value();
  CHECK(row.to == s::interrupted);
  // The window closed (in the dock or not): the next start is a new session with a start statement.
  CHECK(next_transition(s::docked_interrupted, e::resume_window_closed).value().to == s::docked);
  row = next_transition(s::interrupted, e::resume_window_closed).value();
  row = next_transition(row.to, e::start_request).value();
  row = next_transition(row.to, e::check_passed).value();
  CHECK(row.action == a::open_session);
  // An officer's stop never leads to a resume.
  row = next_transition(s::annotating_stop, e::annotation_done).value();
  CHECK(row.to == s::idle);
  CHECK_FALSE(awaits_resume(row.to));
  CHECK(next_transition(next_transition(row.to, e::start_request).value().to, e::check_passed).value().action ==
        a::open_session);
  // A start refused by the checks keeps the resume.
  CHECK(next_transition(s::checking_resume, e::check_failed).value().to == s::interrupted);
  for (auto state : all_session_states)
    CHECK(awaits_resume(state) ==
          (state == s::interrupted || state == s::checking_resume || state == s::docked_interrupted));
}

TEST_CASE("actions, marks and officers: every new event in every state; only an open session records them") {
  for (auto state : all_session_states) {
    INFO(to_string(state));
    for (auto [event, action] : {std::pair{e::action_request, a::record_action}, std::pair{e::mark_request, a::record_mark},
                                 std::pair{e::officer_request, a::record_officer},
                                 std::pair{e::photo_request, a::record_photo}}) {
      const auto next = next_transition(state, event);
      REQUIRE(next.has_value() == has_open_session(state));
      if (!next) {
        CHECK(next.error().context.find("not allowed in state " + std::string(to_string(state))) != std::string::npos);
        continue;
      }
      CHECK(next->to == state);  // invariant 5: the state never changes
      CHECK(next->action == action);
    }
    CHECK(next_transition(state, e::stop_statement_missing).has_value() == (state == s::annotating_stop));
  }
  // Idle, docked, interrupted: refused (the control socket says so).
  CHECK_FALSE(next_transition(s::idle, e::mark_request));
  CHECK_FALSE(next_transition(s::idle, e::photo_request));
  CHECK_FALSE(next_transition(s::interrupted, e::photo_request));
  CHECK_FALSE(next_transition(s::docked, e::officer_request));
  CHECK_FALSE(next_transition(s::interrupted, e::action_request));
  // An unsuitable-to-record stop without a statement goes back to recording; the session stays open.
  const auto back = next_transition(s::annotating_stop, e::stop_statement_missing).value();
  CHECK(back.to == s::recording);
  CHECK(back.action == a::keep_recording);
  CHECK(has_open_session(back.to));
}

TEST_CASE("names are stable and distinct") {
  std::set<std::string_view> names;
  for (auto state : all_session_states) CHECK(names.insert(to_string(state)).second);
  CHECK(to_string(s::annotating_start) == "annotating_start");
  CHECK(to_string(e::battery_reserve) == "battery_reserve");
  CHECK(to_string(a::stop_automatically) == "stop_automatically");
  CHECK(to_string(s::checking_resume) == "checking_resume");
  CHECK(to_string(s::docked_interrupted) == "docked_interrupted");
  CHECK(to_string(e::recovered_interrupted) == "recovered_interrupted");
  CHECK(to_string(e::resume_window_closed) == "resume_window_closed");
  CHECK(to_string(a::forget_resume) == "forget_resume");
  CHECK(to_string(e::action_request) == "action_request");
  CHECK(to_string(e::mark_request) == "mark_request");
  CHECK(to_string(e::officer_request) == "officer_request");
  CHECK(to_string(e::stop_statement_missing) == "stop_statement_missing");
  CHECK(to_string(a::record_action) == "record_action");
  CHECK(to_string(a::record_mark) == "record_mark");
  CHECK(to_string(a::record_officer) == "record_officer");
  CHECK(to_string(a::keep_recording) == "keep_recording");
  std::set<std::string_view> events, actions;
  for (auto event : all_session_events) CHECK(events.insert(to_string(event)).second);
  for (const auto& row : session_transitions()) actions.insert(to_string(row.action));
  CHECK(actions.count("unknown") == 0);
}

}  // namespace session_table_test
