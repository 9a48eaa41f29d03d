// Names of the alarm states, as they appear in JSON, metrics labels and the queue's alarm log.
#include "ingest/schedule/alarm_state.hpp"

namespace bodycam::ingest::schedule {

std::string_view to_string(alarm_state state) noexcept {
  switch (state) {
    case alarm_state::ok: return "ok";
    case alarm_state::at_risk: return "at_risk";
    case alarm_state::overdue: return "overdue";
  }
  return "unknown";
}

std::optional<alarm_state> parse_alarm_state(std::string_view text) noexcept {
  for (auto s : {alarm_state::ok, alarm_state::at_risk, alarm_state::overdue})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

}  // namespace bodycam::ingest::schedule
