// The place policy (place_policy.hpp): the transition table and the hold and interval timers. Pure.
#include "firmware/place/place_policy.hpp"

#include <array>

namespace bodycam::firmware::place {

using common::record::place_trigger;

namespace {

struct transition_row {
  place_condition reported;
  place_condition raw;
  std::optional<place_trigger> trigger;
};

constexpr std::array<transition_row, 6> transitions{{
    {place_condition::fix, place_condition::no_fix, place_trigger::fix_lost},
    {place_condition::fix, place_condition::source_lost, place_trigger::source_lost},
    {place_condition::no_fix, place_condition::fix, place_trigger::fix_regained},
    {place_condition::no_fix, place_condition::source_lost, place_trigger::source_lost},
    {place_condition::source_lost, place_condition::fix, place_trigger::fix_regained},
    {place_condition::source_lost, place_condition::no_fix, std::nullopt},
}};

}  // namespace

std::optional<place_trigger> transition_trigger(place_condition reported, place_condition raw) noexcept {
  for (const auto& row : transitions)
    if (row.reported == reported && row.raw == raw) return row.trigger;
  return std::nullopt;
}

place_policy::place_policy(const place_settings& settings) : interval_(settings.interval), hold_(settings.hold) {}

std::vector<place_trigger> place_policy::observe(policy_clock::time_point now, place_condition raw) {
  if (raw != raw_) {
    raw_ = raw;
    raw_since_ = now;
  }
  std::vector<place_trigger> due;
  if (raw_ != reported_ && now - raw_since_ >= hold_) {  // invariant 4
    const auto trigger = transition_trigger(reported_, raw_);
    reported_ = raw_;
    if (!in_session_) return due;  // invariant 1
    if (trigger) {
      due.push_back(*trigger);
      last_record_ = now;
    }
    return due;
  }
  if (in_session_ && reported_ == place_condition::fix && now - last_record_ >= interval_) {  // invariant 5
    due.push_back(place_trigger::interval);
    last_record_ = now;
  }
  return due;
}

std::vector<place_trigger> place_policy::session_opened(policy_clock::time_point now) {
  in_session_ = true;
  reported_ = raw_;  // invariant 2: the condition as it is, no hold
  last_record_ = now;
  std::vector<place_trigger> due{place_trigger::session_start};
  if (reported_ == place_condition::source_lost) due.push_back(place_trigger::source_lost);
  return due;
}

std::vector<place_trigger> place_policy::segment_closed(policy_clock::time_point now) {
  if (!in_session_) return {};
  last_record_ = now;
  return {place_trigger::segment};  // invariant 3
}

void place_policy::session_closed() noexcept { in_session_ = false; }

}  // namespace bodycam::firmware::place
