// Feedback adapters: the log lines tests read, sysfs LEDs in a fake tree, and the fan-out.
#include "firmware/session/feedback_port.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace feedback_port_test {

using namespace bodycam::firmware::session;
using namespace bodycam::tests;
namespace fs = std::filesystem;

TEST_CASE("log_feedback appends one line per signal, control characters replaced") {
  temp_dir dir("bodycam-feedback");
  log_feedback log(dir / "feedback.log");
  REQUIRE(log.signal(feedback_signal::prompt, "start statement"));
  REQUIRE(log.signal(feedback_signal::alarm, "low_battery\n4%"));
  CHECK(slurp(dir / "feedback.log") == "prompt start statement\nalarm low_battery?4%\n");
  log_feedback nowhere(dir / "missing/feedback.log");
  auto r = nowhere.signal(feedback_signal::beep, "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().context.find("open feedback log") != std::string::npos);
}

TEST_CASE("sysfs_led_feedback writes brightness of the configured LEDs") {
  temp_dir dir("bodycam-leds");
  for (const char* led : {"red", "green"}) {
    fs::create_directories(fs::path(dir.path()) / led);
    std::ofstream(fs::path(dir.path()) / led / "brightness") << "0";
  }
  sysfs_led_feedback leds(dir.path(), "red", "green");
  REQUIRE(leds.signal(feedback_signal::alarm, ""));
  CHECK(slurp(fs::path(dir.path()) / "red/brightness") == "1");
  REQUIRE(leds.signal(feedback_signal::led_recording, ""));
  CHECK(slurp(fs::path(dir.path()) / "green/brightness") == "1");
  REQUIRE(leds.signal(feedback_signal::alarm_clear, ""));
  CHECK(slurp(fs::path(dir.path()) / "red/brightness") == "0");
  REQUIRE(leds.signal(feedback_signal::beep, ""));
  sysfs_led_feedback missing(dir / "none", "red", "green");
  CHECK_FALSE(missing.signal(feedback_signal::alarm, ""));
}

TEST_CASE("feedback_fanout signals every port and reports the first error") {
  temp_dir dir("bodycam-feedback");
  feedback_fanout fan;
  fan.add(std::make_unique<sysfs_led_feedback>(dir / "none", "red", "green"));
  fan.add(std::make_unique<log_feedback>(dir / "feedback.log"));
  CHECK_FALSE(fan.signal(feedback_signal::alarm, "x"));
  CHECK(slurp(dir / "feedback.log") == "alarm x\n");  // the log still got it
}

}  // namespace feedback_port_test
