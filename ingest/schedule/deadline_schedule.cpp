// The EDF projection and the alarm rules A1-A3 (see deadline_schedule.hpp).
#include "ingest/schedule/deadline_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bodycam::ingest::schedule {

namespace core = common::core;
using std::chrono::nanoseconds;

namespace {

// Projected time to move `bytes` at `rate`, saturating instead of overflowing (a huge backlog at a tiny
// rate is "centuries", not a wrapped negative number).
nanoseconds time_for(std::uint64_t bytes, double rate) {
  const double ns = std::ceil(static_cast<double>(bytes) / rate * 1e9);
  constexpr double max_ns = static_cast<double>(std::numeric_limits<std::int64_t>::max()) / 4;
  return nanoseconds(static_cast<std::int64_t>(ns < max_ns ? ns : max_ns));
}

}  // namespace

core::status check_policy(const schedule_policy& policy) {
  if (policy.deadline_after <= nanoseconds::zero())
    return core::fail(core::errc::invalid_argument, "schedule policy: deadline_after must be positive");
  if (policy.completion_margin < nanoseconds::zero())
    return core::fail(core::errc::invalid_argument, "schedule policy: completion_margin must not be negative");
  if (policy.time_left_threshold < nanoseconds::zero())
    return core::fail(core::errc::invalid_argument, "schedule policy: time_left_threshold must not be negative");
  return {};
}

alarm_state classify_item(utc_time now, utc_time deadline, nanoseconds slack, const schedule_policy& policy) noexcept {
  if (now >= deadline) return alarm_state::overdue;                              // A1
  if (slack < policy.completion_margin) return alarm_state::at_risk;             // A2
  if (deadline - now < policy.time_left_threshold) return alarm_state::at_risk;  // A3
  return alarm_state::ok;
}

schedule_assessment assess_schedule(std::vector<work_item> pending, utc_time now, double bytes_per_second,
                                    const schedule_policy& policy) {
  const double rate = std::isfinite(bytes_per_second) && bytes_per_second >= 1.0 ? bytes_per_second : 1.0;
  std::erase_if(pending, [](const work_item& item) { return item.state == item_state::done; });
  std::sort(pending.begin(), pending.end(), is_served_before);

  schedule_assessment out;
  out.at = now;
  out.bytes_per_second = rate;
  out.projected_drain = now;
  out.items.reserve(pending.size());
  std::uint64_t cumulative = 0;
  for (auto& item : pending) {
    cumulative += item.bytes;
    item_assessment a;
    a.projected_finish = now + time_for(cumulative, rate);
    a.slack = item.deadline - a.projected_finish;
    a.state = classify_item(now, item.deadline, a.slack, policy);

    out.state = std::max(out.state, a.state);
    out.backlog_bytes += item.bytes;
    out.backlog_records += item.is_file() ? 0 : item.record_count();
    out.projected_drain = a.projected_finish;
    if (!out.min_slack || a.slack < *out.min_slack) out.min_slack = a.slack;
    if (!out.oldest_recorded || item.recorded_utc < *out.oldest_recorded) out.oldest_recorded = item.recorded_utc;
    if (!out.earliest_deadline) out.earliest_deadline = item.deadline;  // EDF: the first is the earliest

    auto [it, is_new] = out.devices.try_emplace(item.device);
    device_assessment& d = it->second;
    if (is_new) {
      d.earliest_deadline = item.deadline;
      d.min_slack = a.slack;
      d.oldest_recorded = item.recorded_utc;
    }
    d.state = std::max(d.state, a.state);
    d.pending_bytes += item.bytes;
    d.pending_records += item.is_file() ? 0 : item.record_count();
    d.pending_items += 1;
    d.min_slack = std::min(d.min_slack, a.slack);
    d.oldest_recorded = std::min(d.oldest_recorded, item.recorded_utc);

    a.item = std::move(item);
    out.items.push_back(std::move(a));
  }
  return out;
}

}  // namespace bodycam::ingest::schedule
