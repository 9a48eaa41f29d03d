// What `status` reports (and what start and stop answer with, as the state after the command). Filled by the
// daemon's command_handler; the protocol only formats it (to_json in response.hpp).
#pragma once

#include "common/record/ids.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::firmware::control {

struct recorder_status {
  std::string state;                                  // the recorder's state name, from its transition table
  std::optional<common::record::session_id> session;  // absent when no session is open
  std::optional<std::uint32_t> segment;               // index in the session of the segment being written
  std::chrono::milliseconds recorded{0};              // media time recorded in the current (or last) session
  std::uint64_t free_storage_bytes = 0;               // free bytes on the recording file system
  std::optional<std::uint64_t> last_record_seq;       // seq of the newest record in the ledger; absent if none
  std::string precheck;                               // outcome of the last pre-shift check ("" = none yet)
  std::string note;                                   // what the last command did or found ("" = nothing)
  // While a session is open (reported only then): the action in force ("" = none yet), its case number and
  // how many officers are present (the wearer and those who joined).
  std::string action;
  std::string case_number;
  std::optional<std::size_t> officers;
  std::vector<std::string> officer_ids;  // the wearer first, then those who joined, in order
  std::string osd_line;                  // the OSD's session line as drawn ("" = none)
};

}  // namespace bodycam::firmware::control
