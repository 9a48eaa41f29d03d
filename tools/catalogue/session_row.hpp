// What the console catalogue holds about one session, as plain values: who recorded it and where, when, its
// segments, statements, interruptions, uploads, and the current value of each note field; plus the exports
// the access register names. Built from the audit's view of a device (tools/audit) and the metadata register
// (tools/registers) by pure functions, so the whole mapping is a unit test.
// Invariants:
//  C1. A row is derived only from the store's content (records, receipts, enrollment, notes, access entries);
//      nothing in it is typed in by hand, so any catalogue can be rebuilt from the store and compared.
//  C2. Counts never double count: a statement is present, silent or missing, exactly one of them; each
//      interruption counts once under its reason; a segment is late at most once.
#pragma once

#include "common/record/payloads.hpp"
#include "tools/audit/audit_report.hpp"
#include "tools/registers/metadata_book.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::catalogue {

namespace record = common::record;

struct session_row {
  std::string device;
  std::string session;  // 32 lower-case hex
  std::string officer;  // empty when the records name none
  std::vector<std::string> joined;  // the officers who joined it (officer records), in order, never `officer`
  std::string unit;     // the camera's enrolled unit, else the officer's; empty when unknown
  record::utc_time start{};
  std::optional<record::utc_time> end;
  std::chrono::seconds duration{0};  // end - start; zero while the session has no stop
  std::uint32_t segments = 0;
  std::uint32_t statements_present = 0;  // C2: recorded with speech
  std::uint32_t statements_silent = 0;   // recorded, no speech found
  std::uint32_t statements_missing = 0;  // the camera asked and got none
  std::map<std::string, std::uint32_t> interruptions;  // reason name → count
  std::uint32_t unexplained_gaps = 0;                   // resumed without a statement of its own
  std::uint32_t late_uploads = 0;                       // segments stored more than 24 h after recording
  std::optional<std::chrono::seconds> time_to_storage;  // the longest recording → store delay of its segments
  // Notes (the current values, tools/registers/metadata_book.hpp N4).
  std::string place;
  std::string party;
  std::string case_number;
  std::string category;
  std::string text;
  std::uint32_t note_entries = 0;  // how many notes set something on it

  friend bool operator==(const session_row&, const session_row&) = default;
  // The session's roster, as session_audit::officers(): the wearer (if any), then each officer who joined.
  [[nodiscard]] std::vector<std::string> officers() const {
    std::vector<std::string> out;
    if (!officer.empty()) out.push_back(officer);
    out.insert(out.end(), joined.begin(), joined.end());
    return out;
  }
};

struct export_row {
  std::string device;
  std::string session;  // empty when the entry names the device and a time range
  record::utc_time utc{};
  std::string clerk;
  std::string reference;
  record::utc_time from{};  // the scope's time range when it names no session; zero, zero = any time
  record::utc_time to{};
  friend bool operator==(const export_row&, const export_row&) = default;
};

// Who is in which unit: the unit of a camera and of a person, "" when not enrolled.
struct unit_lookup {
  std::function<std::string(const std::string& device)> camera;
  std::function<std::string(const std::string& person)> person;
};

// One row per session of `d` (C1, C2); notes are left empty (apply_notes fills them).
[[nodiscard]] std::vector<session_row> rows_of_device(const tools::audit::device_audit& d, const unit_lookup& units);
// Sets the note fields and note_entries of `row` from a session's folded notes.
void apply_notes(session_row& row, const tools::registers::session_notes& notes);
// Every export scope of the access register's entries with action "export" that decode and verify.
[[nodiscard]] std::vector<export_row> exports_of(const tools::registers::register_book& access);

}  // namespace bodycam::tools::catalogue
