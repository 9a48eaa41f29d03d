// The simulated shift's plan: the story of tools/shift/shift_plan.hpp (I1–I3) holds for every size, and
// hand-made bad plans are refused naming the step.
#include "tools/shift/shift_plan.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace bodycam::tools::shift;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

std::map<step_action, milliseconds> times_of(const std::vector<shift_step>& plan, std::uint32_t camera) {
  std::map<step_action, milliseconds> t;
  for (const auto& s : plan)
    if (s.camera == camera) t[s.action] = s.at;
  return t;
}

}  // namespace

TEST_CASE("every camera boots, starts, stops with time recorded, then docks") {
  for (std::uint32_t cameras = 1; cameras <= 8; ++cameras) {
    shift_options o;
    o.cameras = cameras;
    o.recording = seconds(60);
    auto plan = plan_shift(o);
    REQUIRE(plan);
    CHECK(validate_plan(*plan, cameras));
    std::uint32_t losses = 0;
    for (std::uint32_t c = 0; c < cameras; ++c) {
      auto t = times_of(*plan, c);
      REQUIRE(t.count(step_action::start) == 1);
      REQUIRE(t.count(step_action::stop) == 1);
      CHECK(t[step_action::stop] - t[step_action::start] >= milliseconds(seconds(60)));
      CHECK(t[step_action::boot] < t[step_action::start]);
      CHECK(t[step_action::stop] < t[step_action::dock]);
      if (t.count(step_action::power_loss)) {
        ++losses;
        CHECK(t[step_action::start] < t[step_action::power_loss]);
        CHECK(t[step_action::reboot] - t[step_action::power_loss] == milliseconds(o.power_off));
        CHECK(t[step_action::reboot] < t[step_action::stop]);
      }
    }
    CHECK(losses == (cameras >= 2 ? 1U : 0U));
  }
}

TEST_CASE("starts are staggered and every dock step comes after every stop") {
  shift_options o;
  o.cameras = 3;
  auto plan = plan_shift(o);
  REQUIRE(plan);
  CHECK(times_of(*plan, 1)[step_action::start] - times_of(*plan, 0)[step_action::start] == milliseconds(o.stagger));
  milliseconds last_stop{0};
  milliseconds first_dock{std::chrono::hours(1)};
  for (const auto& s : *plan) {
    if (s.action == step_action::stop) last_stop = std::max(last_stop, s.at);
    if (s.action == step_action::dock) first_dock = std::min(first_dock, s.at);
  }
  CHECK(last_stop < first_dock);
}

TEST_CASE("options out of range are refused naming the option") {
  shift_options o;
  o.cameras = 0;
  auto none = plan_shift(o);
  REQUIRE_FALSE(none);
  CHECK(none.error().context.find("cameras") != std::string::npos);
  o.cameras = 9;
  CHECK_FALSE(plan_shift(o));
  o.cameras = 2;
  o.recording = seconds(10);  // too short for a 5 s power loss in the middle
  auto short_one = plan_shift(o);
  REQUIRE_FALSE(short_one);
  CHECK(short_one.error().context.find("too short") != std::string::npos);
  o.recording = seconds(60);
  o.power_loss_camera = 2;
  CHECK_FALSE(plan_shift(o));
  o.cameras = 1;
  o.power_loss_camera = 0;  // the only camera would lose power: nobody records the whole shift
  CHECK_FALSE(plan_shift(o));
}

TEST_CASE("hand-made bad plans are refused naming the step") {
  const milliseconds s1(1000), s2(2000), s3(3000), s4(4000);
  const std::vector<shift_step> good{{milliseconds(0), 0, step_action::boot},
                                     {s1, 0, step_action::start},
                                     {s2, 0, step_action::stop},
                                     {s3, 0, step_action::dock}};
  CHECK(validate_plan(good, 1));

  auto unordered = good;
  std::swap(unordered[1].at, unordered[2].at);
  auto e = validate_plan(unordered, 1);
  REQUIRE_FALSE(e);
  CHECK(e.error().context.find("step") != std::string::npos);

  auto no_stop = good;
  no_stop.erase(no_stop.begin() + 2);  // a silent end: not allowed
  CHECK_FALSE(validate_plan(no_stop, 1));

  auto wrong_camera = good;
  wrong_camera[3].camera = 1;
  CHECK_FALSE(validate_plan(wrong_camera, 1));

  auto loss_after_stop = good;
  loss_after_stop.push_back({s4, 0, step_action::power_loss});
  loss_after_stop.push_back({s4 + s1, 0, step_action::reboot});
  CHECK_FALSE(validate_plan(loss_after_stop, 1));

  auto repeated = good;
  repeated.insert(repeated.begin() + 2, {s1, 0, step_action::start});
  CHECK_FALSE(validate_plan(repeated, 1));
}
