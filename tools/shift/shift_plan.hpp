// The simulated shift as data (pure, no I/O): which camera does what, and when, measured from the start of
// the shift. `bodycam simulate` executes the plan with real processes (shift_runner); tests check the plan's
// rules without running anything.
//
// The story every plan tells (DESIGN.md §4–5, the rules on whole-process recording):
//  1. Every camera boots and passes its pre-shift check before its session starts.
//  2. Sessions start a few seconds apart (officers do not press at the same instant), each with a start
//     statement.
//  3. One camera (the `power_loss_camera`) loses power in the middle of its session and boots again a few
//     seconds later; it resumes the same session and asks for the resume statement.
//  4. Every session that starts is stopped by its officer with a reason (no silent stop).
//  5. Only then do the cameras dock: the dock pulls, verifies, stores and hands out receipts.
//  6. One camera that records the whole shift (the `field_camera`) records what is done and with whom: the
//     action with a case number, a second officer joining, an important moment, the second officer leaving.
//  7. With three cameras or more, one more camera (the `battery_camera`) runs its battery down to the reserve:
//     it stops automatically (low_battery), the officer swaps the battery (the camera is off for a while and
//     boots again) and presses record: the same session resumes (`session_resume`) with a resume statement.
// Invariants checked by validate_plan (and tests/tools/shift/shift_plan_test.cpp):
//  I1. Steps are in time order; every camera index is < cameras.
//  I2. For each camera: boot < start < stop < dock, and power_loss < reboot both strictly inside start..stop.
//  I3. Fewer cameras lose power than there are cameras: at least one records the whole shift.
//  I4. Exactly one camera has action, officer_join, mark and officer_leave, in that order, strictly inside its
//      session, and it does not lose power.
//  I5. At most one camera has battery_low, battery_swap and resume, all three, in that order, strictly inside
//      its session; it is neither the field camera nor a camera that loses power.
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace bodycam::tools::shift {

enum class step_action : std::uint8_t {
  boot, start, power_loss, reboot, stop, dock, action, officer_join, mark, officer_leave,
  battery_low,   // the battery reads below the reserve: the camera stops automatically
  battery_swap,  // the battery is pulled and a full one put in: off, then the camera boots again
  resume,        // the officer presses record after the swap: the stopped session resumes
};
[[nodiscard]] std::string_view to_string(step_action action) noexcept;

struct shift_step {
  std::chrono::milliseconds at{0};  // since the start of the shift
  std::uint32_t camera = 0;
  step_action action = step_action::boot;
};

struct shift_options {
  std::uint32_t cameras = 3;           // 1..8
  std::chrono::seconds recording{120}; // how long each session records (before the stagger)
  std::chrono::seconds stagger{2};     // between two cameras' start presses
  std::chrono::seconds boot_time{4};   // from process start to the start press (pre-shift check included)
  std::chrono::seconds power_off{5};   // how long the power_loss camera stays off
  std::optional<std::uint32_t> power_loss_camera;  // default: camera 1 if cameras >= 2, else none
};

// The camera that records the action, the mark and the second officer (story 6): the first camera that does
// not lose power.
[[nodiscard]] std::uint32_t field_camera_of(const std::vector<shift_step>& plan);
// The camera of story 7, if the plan has one.
[[nodiscard]] std::optional<std::uint32_t> battery_camera_of(const std::vector<shift_step>& plan);

// Errors (errc::invalid_argument) name the option: cameras outside 1..8, recording too short to fit a
// power loss (needs > 3 × power_off), and so on.
[[nodiscard]] common::core::expected<std::vector<shift_step>> plan_shift(const shift_options& options);

// Checks I1–I4 on any plan (used on the plan before it runs, and by the tests on hand-made bad plans).
[[nodiscard]] common::core::status validate_plan(const std::vector<shift_step>& plan, std::uint32_t cameras);

}  // namespace bodycam::tools::shift
