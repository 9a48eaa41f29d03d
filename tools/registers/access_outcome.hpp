// The outcome of a retrieval, as an entry of the access register (docs/formats/access-register.md §3 rule 4):
// the access entry is written before any byte leaves the store, so it cannot know whether the copy will
// succeed; the outcome entry that follows says whether it did. It is an ordinary access entry (kind access,
// same scopes and objects) whose action names the entry it concludes:
//   "completed <clerk>.<seq>"            every file was copied and checked
//   "failed <clerk>.<seq>: <reason>"     nothing usable was made; the reason says why
// Pure text; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bodycam::tools::registers {

struct access_outcome {
  std::string concludes;  // "<clerk>.<seq>" of the access entry, in the same register
  bool completed = false;
  std::string reason;  // why it failed; empty when completed
};

[[nodiscard]] std::string outcome_action(const access_outcome& o);
// nullopt if `action` is not an outcome (export, playback_copy, ...).
[[nodiscard]] std::optional<access_outcome> parse_outcome_action(std::string_view action);

}  // namespace bodycam::tools::registers
