#include "firmware/session/session_table.hpp"

namespace bodycam::firmware::session {

namespace {

using s = session_state;
using e = session_event;
using a = session_action;

// The table. docs/state-machines.md repeats it; tests/firmware/session/session_table_test.cpp checks every
// row and every (state, event) pair that has none.
constexpr std::array<session_transition, 69> table{{
    {s::off, e::boot, s::recovering, a::run_recovery},
    {s::recovering, e::recovered_idle, s::idle, a::none},
    {s::recovering, e::recovered_resume, s::annotating_resume, a::resume_session},
    {s::recovering, e::ledger_fault, s::fault, a::raise_fault},

    {s::idle, e::start_request, s::checking, a::run_precheck},
    {s::idle, e::dock_attach, s::docked, a::enter_dock},
    {s::idle, e::ledger_fault, s::fault, a::raise_fault},

    {s::checking, e::check_passed, s::annotating_start, a::open_session},
    {s::checking, e::check_failed, s::idle, a::refuse_start},
    {s::checking, e::ledger_fault, s::fault, a::raise_fault},

    {s::annotating_start, e::annotation_done, s::recording, a::record_annotation},
    {s::annotating_start, e::stop_request, s::annotating_stop, a::capture_stop_statement},
    {s::annotating_start, e::battery_reserve, s::interrupted, a::stop_automatically},
    {s::annotating_start, e::storage_full, s::interrupted, a::stop_automatically},
    {s::annotating_start, e::media_fault, s::interrupted, a::stop_automatically},
    {s::annotating_start, e::ledger_fault, s::fault, a::raise_fault},

    {s::recording, e::stop_request, s::annotating_stop, a::capture_stop_statement},
    {s::recording, e::battery_reserve, s::interrupted, a::stop_automatically},
    {s::recording, e::storage_full, s::interrupted, a::stop_automatically},
    {s::recording, e::media_fault, s::interrupted, a::stop_automatically},
    {s::recording, e::ledger_fault, s::fault, a::raise_fault},

    {s::annotating_resume, e::annotation_done, s::recording, a::record_annotation},
    {s::annotating_resume, e::stop_request, s::annotating_stop, a::capture_stop_statement},
    {s::annotating_resume, e::battery_reserve, s::interrupted, a::stop_automatically},
    {s::annotating_resume, e::storage_full, s::interrupted, a::stop_automatically},
    {s::annotating_resume, e::media_fault, s::interrupted, a::stop_automatically},
    {s::annotating_resume, e::ledger_fault, s::fault, a::raise_fault},

    {s::annotating_stop, e::annotation_done, s::idle, a::close_session},
    {s::annotating_stop, e::battery_reserve, s::interrupted, a::stop_automatically},
    {s::annotating_stop, e::storage_full, s::interrupted, a::stop_automatically},
    {s::annotating_stop, e::media_fault, s::interrupted, a::stop_automatically},
    {s::annotating_stop, e::ledger_fault, s::fault, a::raise_fault},

    {s::recovering, e::recovered_interrupted, s::interrupted, a::none},

    // After an automatic stop a start resumes the same session (invariant 4) until the window closes.
    {s::interrupted, e::start_request, s::checking_resume, a::run_precheck},
    {s::interrupted, e::dock_attach, s::docked_interrupted, a::enter_dock},
    {s::interrupted, e::resume_window_closed, s::idle, a::forget_resume},
    {s::interrupted, e::ledger_fault, s::fault, a::raise_fault},

    {s::checking_resume, e::check_passed, s::annotating_resume, a::resume_session},
    {s::checking_resume, e::check_failed, s::interrupted, a::refuse_start},
    {s::checking_resume, e::ledger_fault, s::fault, a::raise_fault},

    // Docked after an automatic stop (storage freed by the offload): leaving the dock keeps the resume.
    {s::docked_interrupted, e::dock_detach, s::interrupted, a::leave_dock},
    {s::docked_interrupted, e::resume_window_closed, s::docked, a::forget_resume},
    {s::docked_interrupted, e::ledger_fault, s::fault, a::raise_fault},
    {s::docked_interrupted, e::battery_reserve, s::docked_interrupted, a::none},

    {s::docked, e::dock_detach, s::idle, a::leave_dock},
    {s::docked, e::ledger_fault, s::fault, a::raise_fault},

    // Alarms while nothing records: the state stays, the officer is told (a start would fail its checks).
    {s::idle, e::battery_reserve, s::idle, a::none},
    {s::idle, e::storage_full, s::idle, a::none},
    {s::idle, e::media_fault, s::fault, a::raise_fault},
    {s::interrupted, e::battery_reserve, s::interrupted, a::none},
    {s::interrupted, e::storage_full, s::interrupted, a::none},
    {s::docked, e::battery_reserve, s::docked, a::none},

    // What is being done, important moments and the officers present: only in an open session (invariant 5).
    {s::annotating_start, e::action_request, s::annotating_start, a::record_action},
    {s::recording, e::action_request, s::recording, a::record_action},
    {s::annotating_resume, e::action_request, s::annotating_resume, a::record_action},
    {s::annotating_stop, e::action_request, s::annotating_stop, a::record_action},
    {s::annotating_start, e::mark_request, s::annotating_start, a::record_mark},
    {s::recording, e::mark_request, s::recording, a::record_mark},
    {s::annotating_resume, e::mark_request, s::annotating_resume, a::record_mark},
    {s::annotating_stop, e::mark_request, s::annotating_stop, a::record_mark},
    {s::annotating_start, e::photo_request, s::annotating_start, a::record_photo},
    {s::recording, e::photo_request, s::recording, a::record_photo},
    {s::annotating_resume, e::photo_request, s::annotating_resume, a::record_photo},
    {s::annotating_stop, e::photo_request, s::annotating_stop, a::record_photo},
    {s::annotating_start, e::officer_request, s::annotating_start, a::record_officer},
    {s::recording, e::officer_request, s::recording, a::record_officer},
    {s::annotating_resume, e::officer_request, s::annotating_resume, a::record_officer},
    {s::annotating_stop, e::officer_request, s::annotating_stop, a::record_officer},
    // A stop that needs a statement and got none is refused after all (invariant 6).
    {s::annotating_stop, e::stop_statement_missing, s::recording, a::keep_recording},
}};

constexpr std::array<std::string_view, 13> state_names{
    "off",       "recovering",      "idle",        "checking", "annotating_start", "recording",
    "annotating_stop", "annotating_resume", "interrupted", "docked", "fault", "checking_resume",
    "docked_interrupted"};
constexpr std::array<std::string_view, 21> event_names{
    "boot",         "recovered_idle",  "recovered_resume", "start_request", "check_passed",
    "check_failed", "annotation_done", "stop_request",     "battery_reserve", "storage_full",
    "media_fault",  "dock_attach",     "dock_detach",      "ledger_fault",  "recovered_interrupted",
    "resume_window_closed", "action_request", "mark_request", "officer_request", "stop_statement_missing",
    "photo_request"};
constexpr std::array<std::string_view, 19> action_names{
    "none",          "run_recovery",     "run_precheck",           "refuse_start",  "open_session",
    "resume_session", "record_annotation", "capture_stop_statement", "close_session", "stop_automatically",
    "enter_dock",    "leave_dock",       "raise_fault",            "forget_resume", "record_action",
    "record_mark",   "record_officer",   "keep_recording", "record_photo"};

template <std::size_t N, class E>
std::string_view name_of(const std::array<std::string_view, N>& names, E value) noexcept {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : std::string_view("unknown");
}

}  // namespace

std::span<const session_transition> session_transitions() noexcept { return table; }

common::core::expected<session_transition> next_transition(session_state from, session_event event) {
  for (const auto& row : table)
    if (row.from == from && row.event == event) return row;
  // Invariant 1: no row, no change.
  return common::core::fail(common::core::errc::conflict, "event " + std::string(to_string(event)) +
                                                              " not allowed in state " + std::string(to_string(from)));
}

std::string_view to_string(session_state state) noexcept { return name_of(state_names, state); }
std::string_view to_string(session_event event) noexcept { return name_of(event_names, event); }
std::string_view to_string(session_action action) noexcept { return name_of(action_names, action); }

bool has_open_session(session_state state) noexcept {
  return state == session_state::annotating_start || state == session_state::recording ||
         state == session_state::annotating_stop || state == session_state::annotating_resume;
}

bool awaits_resume(session_state state) noexcept {
  return state == session_state::interrupted || state == session_state::checking_resume ||
         state == session_state::docked_interrupted;
}

}  // namespace bodycam::firmware::session
