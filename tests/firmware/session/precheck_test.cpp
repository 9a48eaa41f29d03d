// Pre-shift checks: each rule on its own, outcome aggregation, and bad readings.
#include "firmware/session/precheck.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace precheck_test {

using namespace bodycam::firmware::session;
using namespace bodycam::common;
using namespace std::chrono_literals;

namespace {
using check_status = record::check_status;
const record::utc_time build = record::utc_time(std::chrono::hours(24 * 365 * 56));

precheck_readings good() {
  precheck_readings r;
  r.battery = {true, 95, "Discharging", 4.1, ""};
  r.storage = {std::uint64_t{64} << 30, 0, ""};
  r.clock = {build + std::chrono::hours(100), build, std::chrono::nanoseconds(2h), std::chrono::nanoseconds(30ms)};
  r.camera = {true, "/dev/video0"};
  r.microphone = {true, "/dev/snd"};
  r.device_key = {true, "cam.key"};
  r.chain_head = {true, "seq 41 verifies"};
  return r;
}

check_status status_of(const record::precheck_payload& p, const std::string& name) {
  for (const auto& item : p.items)
    if (item.check == name) return item.status;
  FAIL("no item " << name);
  return check_status::ok;
}
}  // namespace

TEST_CASE("a healthy camera passes, items in the documented order") {
  const auto p = evaluate_precheck(good(), {});
  CHECK(p.outcome == record::precheck_outcome::passed);
  CHECK(p.planned_shift == 600min);
  std::vector<std::string> names;
  for (const auto& i : p.items) names.push_back(i.check);
  CHECK(names == std::vector<std::string>{"battery", "storage", "clock", "camera", "microphone", "device_key",
                                          "chain_head"});
  CHECK(describe_problems(p).empty());
}

TEST_CASE("battery: at the reserve fails, short of the shift warns, charging is fine") {
  auto r = good();
  r.battery.capacity_percent = 10;
  auto p = evaluate_precheck(r, {});
  CHECK(status_of(p, "battery") == check_status::fail);
  CHECK(p.outcome == record::precheck_outcome::failed);
  CHECK(describe_problems(p).find("low-battery reserve") != std::string::npos);

  r.battery.capacity_percent = 50;  // 40% usable at 8%/h = 5 h of 10 h
  p = evaluate_precheck(r, {});
  CHECK(status_of(p, "battery") == check_status::warn);
  CHECK(p.outcome == record::precheck_outcome::passed_with_warnings);
  CHECK(p.items[0].detail.find("enough for 5.0 h of the planned 10.0 h") != std::string::npos);

  r.battery.status = "Charging";
  r.battery.capacity_percent = 5;
  CHECK(status_of(evaluate_precheck(r, {}), "battery") == check_status::ok);
}

TEST_CASE("battery: absent or garbage is a warning that says what was found") {
  auto r = good();
  r.battery = {false, std::nullopt, "", std::nullopt, "no power_supply of type Battery under /x"};
  auto p = evaluate_precheck(r, {});
  CHECK(status_of(p, "battery") == check_status::warn);
  CHECK(p.items[0].detail.find("no power_supply") != std::string::npos);
  r.battery = {true, std::nullopt, "Discharging", std::nullopt, "BAT0/capacity: 'abc' is not a percentage"};
  p = evaluate_precheck(r, {});
  CHECK(status_of(p, "battery") == check_status::warn);
  CHECK(p.items[0].detail.find("'abc'") != std::string::npos);
}

TEST_CASE("storage: only reclaimable (receipt-covered) bytes add to free space") {
  precheck_thresholds t;
  t.recording_bits_per_second = 8'000'000;  // 1 MB/s: 10 h = 36 GB (+0.5 GiB reserve)
  auto r = good();
  r.storage = {std::uint64_t{20} << 30, 0, ""};
  CHECK(status_of(evaluate_precheck(r, t), "storage") == check_status::warn);
  r.storage.reclaimable_bytes = std::uint64_t{20} << 30;
  CHECK(status_of(evaluate_precheck(r, t), "storage") == check_status::ok);
  r.storage = {std::uint64_t{100} << 20, 0, ""};  // below the 512 MiB reserve
  CHECK(status_of(evaluate_precheck(r, t), "storage") == check_status::fail);
  r.storage = {std::nullopt, 0, "statvfs /x: No such file or directory"};
  const auto p = evaluate_precheck(r, t);
  CHECK(status_of(p, "storage") == check_status::fail);
  CHECK(p.items[1].detail.find("No such file") != std::string::npos);
}

TEST_CASE("clock: 1970, never synced, stale sync and a large offset are warnings, never refusals") {
  auto r = good();
  r.clock.now = record::utc_time{};  // 1970
  auto p = evaluate_precheck(r, {});
  CHECK(status_of(p, "clock") == check_status::warn);
  CHECK(p.items[2].detail.find("clock unset") != std::string::npos);
  CHECK(p.outcome == record::precheck_outcome::passed_with_warnings);
  r = good();
  r.clock.sync_age.reset();
  p = evaluate_precheck(r, {});
  CHECK(p.items[2].detail == "never synced with a dock");
  r = good();
  r.clock.sync_age = 30h;
  CHECK(status_of(evaluate_precheck(r, {}), "clock") == check_status::warn);
  r = good();
  r.clock.sync_offset = -5s;
  CHECK(status_of(evaluate_precheck(r, {}), "clock") == check_status::warn);
}

TEST_CASE("devices: a missing camera, key or chain head fails; a missing microphone warns") {
  for (auto which : {&precheck_readings::camera, &precheck_readings::device_key, &precheck_readings::chain_head}) {
    auto r = good();
    (r.*which).present = false;
    CHECK(evaluate_precheck(r, {}).outcome == record::precheck_outcome::failed);
  }
  auto r = good();
  r.microphone = {false, "/dev/snd"};
  const auto p = evaluate_precheck(r, {});
  CHECK(p.outcome == record::precheck_outcome::passed_with_warnings);
  CHECK(p.items[4].detail == "missing: /dev/snd");
}

TEST_CASE("the battery reserve rule used while recording") {
  CHECK(is_at_battery_reserve({true, 10, "Discharging", {}, ""}, 10));
  CHECK(is_at_battery_reserve({true, 3, "", {}, ""}, 10));
  CHECK_FALSE(is_at_battery_reserve({true, 11, "Discharging", {}, ""}, 10));
  CHECK_FALSE(is_at_battery_reserve({true, 3, "Charging", {}, ""}, 10));
  CHECK_FALSE(is_at_battery_reserve({true, std::nullopt, "Discharging", {}, "garbage"}, 10));
  CHECK_FALSE(is_at_battery_reserve({false, std::nullopt, "", {}, ""}, 10));
}

}  // namespace precheck_test
