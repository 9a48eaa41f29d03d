// The three deadline alarm states of the dock (DESIGN.md §5 "Deadline"), ordered from good to bad so that
// "the worst of" is std::max.
//   ok       — every pending item is projected to be stored well before its deadline;
//   at_risk  — some item is projected to finish within the margin of its deadline (or after it), or too
//              little time is left before its deadline, but the deadline has not passed;
//   overdue  — some item's deadline has passed and it is still not stored.
#pragma once

#include <optional>
#include <string_view>

namespace bodycam::ingest::schedule {

enum class alarm_state { ok = 0, at_risk = 1, overdue = 2 };

[[nodiscard]] std::string_view to_string(alarm_state state) noexcept;  // "ok", "at_risk", "overdue"
[[nodiscard]] std::optional<alarm_state> parse_alarm_state(std::string_view text) noexcept;

}  // namespace bodycam::ingest::schedule
