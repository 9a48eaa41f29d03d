// The simulated shift's plan: the story of tools/shift/shift_plan.hpp (I1–I3) holds for every size, and
// hand-made bad plans are refused naming the step.
#include "tools/shift/shift_plan.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
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
                                     {milliseconds(1200), 0, step_action::action},
                                     {milliseconds(1400), 0, step_action::officer_join},
                                     {milliseconds(1600), 0, step_action::mark},
                                     {milliseconds(1800), 0, step_action::officer_leave},
                                     {s2, 0, step_action::stop},
                                     {s3, 0, step_action::dock}};
  const std::size_t stop_index = 6, dock_index = 7;
  CHECK(validate_plan(good, 1));

  auto unordered = good;
  std::swap(unordered[1].at, unordered[2].at);
  auto e = validate_plan(unordered, 1);
  REQUIRE_FALSE(e);
  CHECK(e.error().context.find("step") != std::string::npos);

  auto no_stop = good;
  no_stop.erase(no_stop.begin() + static_cast<long>(stop_index));  // a silent end: not allowed
  CHECK_FALSE(validate_plan(no_stop, 1));

  auto wrong_camera = good;
  wrong_camera[dock_index].camera = 1;
  CHECK_FALSE(validate_plan(wrong_camera, 1));

  auto loss_after_stop = good;
  loss_after_stop.push_back({s4, 0, step_action::power_loss});
  loss_after_stop.push_back({s4 + s1, 0, step_action::reboot});
  CHECK_FALSE(validate_plan(loss_after_stop, 1));

  auto repeated = good;
  repeated.insert(repeated.begin() + 2, {s1, 0, step_action::start});
  CHECK_FALSE(validate_plan(repeated, 1));

  // I4: the action, the second officer and the mark, in order, inside the session of one camera.
  auto no_mark = good;
  no_mark.erase(no_mark.begin() + 4);
  auto e4 = validate_plan(no_mark, 1);
  REQUIRE_FALSE(e4);
  CHECK(e4.error().context == "camera 0: needs action, officer_join, mark and officer_leave");
  auto leave_first = good;
  std::swap(leave_first[3].action, leave_first[5].action);
  CHECK(validate_plan(leave_first, 1).error().context.find("start < action < officer_join") != std::string::npos);
  auto none = good;
  none.erase(none.begin() + 2, none.begin() + 6);
  CHECK(validate_plan(none, 1).error().context.find("exactly one camera must record the action") != std::string::npos);
  auto after_stop = good;
  after_stop[5].at = s2 + milliseconds(100);
  std::stable_sort(after_stop.begin(), after_stop.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  CHECK_FALSE(validate_plan(after_stop, 1));
}

TEST_CASE("one camera that keeps its power records the action, a second officer and a mark") {
  for (std::uint32_t cameras = 1; cameras <= 8; ++cameras) {
    shift_options o;
    o.cameras = cameras;
    auto plan = plan_shift(o);
    REQUIRE(plan);
    const auto field = field_camera_of(*plan);
    auto t = times_of(*plan, field);
    INFO("cameras " << cameras << ", field camera " << field);
    CHECK(t.count(step_action::power_loss) == 0);
    REQUIRE(t.count(step_action::action) == 1);
    CHECK(t[step_action::start] < t[step_action::action]);
    CHECK(t[step_action::action] < t[step_action::officer_join]);
    CHECK(t[step_action::officer_join] < t[step_action::mark]);
    CHECK(t[step_action::mark] < t[step_action::officer_leave]);
    CHECK(t[step_action::officer_leave] < t[step_action::stop]);
    std::uint32_t with_action = 0;
    for (const auto& s : *plan) with_action += s.action == step_action::action ? 1 : 0;
    CHECK(with_action == 1);
  }
  shift_options o;
  o.cameras = 3;
  o.power_loss_camera = 0;
  CHECK(field_camera_of(plan_shift(o).value()) == 1);
}

TEST_CASE("with three cameras or more, one more camera runs its battery down, swaps it and resumes (I5)") {
  for (std::uint32_t cameras = 1; cameras <= 8; ++cameras) {
    shift_options o;
    o.cameras = cameras;
    auto plan = plan_shift(o);
    REQUIRE(plan);
    const auto battery = battery_camera_of(*plan);
    INFO("cameras " << cameras);
    if (cameras < 3) {
      CHECK_FALSE(battery.has_value());
      continue;
    }
    REQUIRE(battery.has_value());
    CHECK(*battery != field_camera_of(*plan));
    auto t = times_of(*plan, *battery);
    CHECK(t.count(step_action::power_loss) == 0);
    CHECK(t[step_action::start] < t[step_action::battery_low]);
    CHECK(t[step_action::battery_swap] - t[step_action::battery_low] == milliseconds(o.power_off));
    CHECK(t[step_action::battery_swap] < t[step_action::resume]);
    CHECK(t[step_action::resume] < t[step_action::stop]);
    std::uint32_t lows = 0;
    for (const auto& s : *plan) lows += s.action == step_action::battery_low ? 1 : 0;
    CHECK(lows == 1);
  }
}

TEST_CASE("bad battery stories are refused naming the camera") {
  shift_options o;
  o.cameras = 3;
  auto plan = plan_shift(o).value();
  const auto battery = battery_camera_of(plan).value();
  // Without its resume.
  auto no_resume = plan;
  std::erase_if(no_resume, [&](const shift_step& s) { return s.camera == battery && s.action == step_action::resume; });
  auto refused = validate_plan(no_resume, 3);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().context == "camera " + std::to_string(battery) + ": needs battery_low, battery_swap and resume");
  // The resume after the stop.
  auto late = plan;
  for (auto& s : late)
    if (s.camera == battery && s.action == step_action::resume) s.at = std::chrono::hours(2);
  std::stable_sort(late.begin(), late.end(), [](const shift_step& a, const shift_step& b) { return a.at < b.at; });
  refused = validate_plan(late, 3);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().context.find("start < battery_low < battery_swap < resume < stop does not hold") !=
        std::string::npos);
}
