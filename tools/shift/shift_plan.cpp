#include "tools/shift/shift_plan.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace bodycam::tools::shift {

namespace core = common::core;
using std::chrono::milliseconds;

std::string_view to_string(step_action action) noexcept {
  static constexpr std::array<std::string_view, 13> names{
      "boot", "start", "power_loss", "reboot", "stop", "dock", "action", "officer_join", "mark", "officer_leave",
      "battery_low", "battery_swap", "resume"};
  const auto i = static_cast<std::size_t>(action);
  return i < names.size() ? names[i] : std::string_view{};
}

core::expected<std::vector<shift_step>> plan_shift(const shift_options& o) {
  if (o.cameras < 1 || o.cameras > 8)
    return core::fail(core::errc::invalid_argument,
                      "cameras: " + std::to_string(o.cameras) + " is outside 1..8 (one dock serves up to 8)");
  std::optional<std::uint32_t> victim = o.power_loss_camera;
  if (!victim && o.cameras >= 2) victim = 1;
  if (victim && *victim >= o.cameras)
    return core::fail(core::errc::invalid_argument, "power_loss_camera: " + std::to_string(*victim) +
                                                        " is not one of the " + std::to_string(o.cameras) + " cameras");
  if (victim && o.recording <= 3 * o.power_off)
    return core::fail(core::errc::invalid_argument,
                      "minutes: a recording of " + std::to_string(o.recording.count()) +
                          " s is too short to lose power for " + std::to_string(o.power_off.count()) +
                          " s in the middle of it (needs more than " + std::to_string(3 * o.power_off.count()) + " s)");
  if (o.stagger.count() < 0 || o.boot_time.count() <= 0)
    return core::fail(core::errc::invalid_argument, "stagger and boot_time must be positive");

  std::vector<shift_step> plan;
  const milliseconds boot_time = o.boot_time;
  const milliseconds last_start = boot_time + o.stagger * (o.cameras - 1);
  const milliseconds stop_at = last_start + milliseconds(o.recording);
  for (std::uint32_t c = 0; c < o.cameras; ++c) {
    const milliseconds start = boot_time + o.stagger * c;
    plan.push_back({milliseconds(0), c, step_action::boot});
    plan.push_back({start, c, step_action::start});
    if (victim && *victim == c) {
      // In the middle of the session, with the reboot well before the stop.
      const milliseconds loss = start + (stop_at - start) / 2 - milliseconds(o.power_off) / 2;
      plan.push_back({loss, c, step_action::power_loss});
      plan.push_back({loss + milliseconds(o.power_off), c, step_action::reboot});
    }
    // Stops are staggered like starts, so every session records at least `recording`.
    plan.push_back({stop_at + o.stagger * c, c, step_action::stop});
  }
  // Story 6: on the first camera that keeps its power, at 1/5 … 4/5 of its session.
  std::uint32_t field = 0;
  while (victim && *victim == field) ++field;
  const milliseconds field_start = boot_time + o.stagger * field;
  const milliseconds field_length = stop_at + o.stagger * field - field_start;
  const std::array<step_action, 4> field_steps{step_action::action, step_action::officer_join, step_action::mark,
                                               step_action::officer_leave};
  for (std::size_t i = 0; i < field_steps.size(); ++i)
    plan.push_back({field_start + field_length * static_cast<long>(i + 1) / 5, field, field_steps[i]});
  // Story 7: the first camera that neither loses power nor records the field story, from 1/4 of its session.
  std::uint32_t battery = 0;
  while (battery < o.cameras && ((victim && *victim == battery) || battery == field)) ++battery;
  if (battery < o.cameras) {
    const milliseconds start = boot_time + o.stagger * battery;
    const milliseconds low = start + (stop_at + o.stagger * battery - start) / 4;
    const milliseconds swap = low + milliseconds(o.power_off);
    plan.push_back({low, battery, step_action::battery_low});
    plan.push_back({swap, battery, step_action::battery_swap});
    plan.push_back({swap + boot_time, battery, step_action::resume});
  }
  const milliseconds dock_at = stop_at + o.stagger * o.cameras + milliseconds(1000);
  for (std::uint32_t c = 0; c < o.cameras; ++c) plan.push_back({dock_at, c, step_action::dock});
  std::stable_sort(plan.begin(), plan.end(), [](const shift_step& a, const shift_step& b) { return a.at < b.at; });
  if (auto ok = validate_plan(plan, o.cameras); !ok) return std::unexpected(ok.error());
  return plan;
}

core::status validate_plan(const std::vector<shift_step>& plan, std::uint32_t cameras) {
  struct camera_times {
    std::optional<milliseconds> boot, start, loss, reboot, stop, dock, action, join, mark, leave, low, swap, resume;
  };
  std::vector<camera_times> t(cameras);
  milliseconds previous{0};
  std::uint32_t losses = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& s = plan[i];
    const std::string where = "step " + std::to_string(i) + " (" + std::string(to_string(s.action)) + ")";
    if (s.at < previous) return core::fail(core::errc::invalid_argument, where + ": out of time order");  // I1
    previous = s.at;
    if (s.camera >= cameras) return core::fail(core::errc::invalid_argument, where + ": no such camera");  // I1
    auto& c = t[s.camera];
    std::optional<milliseconds>* slot = nullptr;
    switch (s.action) {
      case step_action::boot: slot = &c.boot; break;
      case step_action::start: slot = &c.start; break;
      case step_action::power_loss: slot = &c.loss; ++losses; break;
      case step_action::reboot: slot = &c.reboot; break;
      case step_action::stop: slot = &c.stop; break;
      case step_action::dock: slot = &c.dock; break;
      case step_action::action: slot = &c.action; break;
      case step_action::officer_join: slot = &c.join; break;
      case step_action::mark: slot = &c.mark; break;
      case step_action::officer_leave: slot = &c.leave; break;
      case step_action::battery_low: slot = &c.low; break;
      case step_action::battery_swap: slot = &c.swap; break;
      case step_action::resume: slot = &c.resume; break;
    }
    if (slot->has_value()) return core::fail(core::errc::invalid_argument, where + ": repeated for this camera");
    *slot = s.at;
  }
  for (std::uint32_t i = 0; i < cameras; ++i) {  // I2
    const auto& c = t[i];
    const std::string who = "camera " + std::to_string(i);
    if (!c.boot || !c.start || !c.stop || !c.dock)
      return core::fail(core::errc::invalid_argument, who + ": needs boot, start, stop and dock");
    if (!(*c.boot < *c.start && *c.start < *c.stop && *c.stop < *c.dock))
      return core::fail(core::errc::invalid_argument, who + ": boot < start < stop < dock does not hold");
    if (c.loss.has_value() != c.reboot.has_value())
      return core::fail(core::errc::invalid_argument, who + ": a power loss needs a reboot and the other way round");
    if (c.loss && !(*c.start < *c.loss && *c.loss < *c.reboot && *c.reboot < *c.stop))
      return core::fail(core::errc::invalid_argument, who + ": power loss and reboot must fall inside the session");
  }
  if (losses > 0 && losses >= cameras)  // I3
    return core::fail(core::errc::invalid_argument, "every camera loses power: none records the whole shift");
  std::uint32_t field_cameras = 0;  // I4
  for (std::uint32_t i = 0; i < cameras; ++i) {
    const auto& c = t[i];
    const bool any = c.action || c.join || c.mark || c.leave;
    if (!any) continue;
    ++field_cameras;
    const std::string who = "camera " + std::to_string(i);
    if (!(c.action && c.join && c.mark && c.leave))
      return core::fail(core::errc::invalid_argument, who + ": needs action, officer_join, mark and officer_leave");
    if (!(*c.start < *c.action && *c.action < *c.join && *c.join < *c.mark && *c.mark < *c.leave &&
          *c.leave < *c.stop))
      return core::fail(core::errc::invalid_argument,
                        who + ": start < action < officer_join < mark < officer_leave < stop does not hold");
    if (c.loss) return core::fail(core::errc::invalid_argument, who + ": records the action but loses power");
  }
  std::uint32_t battery_cameras = 0;  // I5
  for (std::uint32_t i = 0; i < cameras; ++i) {
    const auto& c = t[i];
    if (!(c.low || c.swap || c.resume)) continue;
    ++battery_cameras;
    const std::string who = "camera " + std::to_string(i);
    if (!(c.low && c.swap && c.resume))
      return core::fail(core::errc::invalid_argument, who + ": needs battery_low, battery_swap and resume");
    if (!(*c.start < *c.low && *c.low < *c.swap && *c.swap < *c.resume && *c.resume < *c.stop))
      return core::fail(core::errc::invalid_argument,
                        who + ": start < battery_low < battery_swap < resume < stop does not hold");
    if (c.loss || c.action) return core::fail(core::errc::invalid_argument,
                                              who + ": runs its battery down but also loses power or records the action");
  }
  if (battery_cameras > 1)
    return core::fail(core::errc::invalid_argument,
                      "at most one camera runs its battery down, found " + std::to_string(battery_cameras));
  if (field_cameras != 1)
    return core::fail(core::errc::invalid_argument, "exactly one camera must record the action, the mark and the "
                                                    "second officer, found " + std::to_string(field_cameras));
  return {};
}

std::optional<std::uint32_t> battery_camera_of(const std::vector<shift_step>& plan) {
  for (const auto& s : plan)
    if (s.action == step_action::battery_low) return s.camera;
  return std::nullopt;
}

std::uint32_t field_camera_of(const std::vector<shift_step>& plan) {
  for (const auto& s : plan)
    if (s.action == step_action::action) return s.camera;
  return 0;
}

}  // namespace bodycam::tools::shift
