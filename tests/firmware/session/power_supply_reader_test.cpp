// The sysfs power_supply adapter on fake trees: a good battery, garbage, no battery, a missing root.
#include "firmware/session/power_supply_reader.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace power_supply_reader_test {

using namespace bodycam::firmware::session;
using namespace bodycam::tests;
namespace fs = std::filesystem;

namespace {
void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}
}  // namespace

TEST_CASE("a battery among other supplies is found and read") {
  temp_dir root("bodycam-sysfs");
  const fs::path ps = fs::path(root.path()) / "class/power_supply";
  write(ps / "AC/type", "Mains\n");
  write(ps / "AC/online", "1\n");
  write(ps / "BAT0/type", "Battery\n");
  write(ps / "BAT0/capacity", "87\n");
  write(ps / "BAT0/status", "Discharging\n");
  write(ps / "BAT0/voltage_now", "3912000\n");
  const auto b = read_battery(root.path());
  CHECK(b.present);
  CHECK(b.capacity_percent == 87);
  CHECK(b.status == "Discharging");
  REQUIRE(b.voltage_volts);
  CHECK(*b.voltage_volts == Approx(3.912));
  CHECK(b.problem.empty());
}

TEST_CASE("garbage in sysfs files becomes a problem naming the file and the text, never a number") {
  temp_dir root("bodycam-sysfs");
  const fs::path bat = fs::path(root.path()) / "class/power_supply/BAT0";
  write(bat / "type", "Battery\n");
  write(bat / "capacity", "abc\n");
  write(bat / "status", "Exploding\x01\n");
  write(bat / "voltage_now", "-5\n");
  const auto b = read_battery(root.path());
  CHECK(b.present);
  CHECK_FALSE(b.capacity_percent);
  CHECK_FALSE(b.voltage_volts);
  CHECK(b.status.empty());
  CHECK(b.problem.find("BAT0/capacity: 'abc' is not a percentage") != std::string::npos);
  CHECK(b.problem.find("BAT0/status: 'Exploding?'") != std::string::npos);
  CHECK(b.problem.find("voltage_now") != std::string::npos);
  write(bat / "capacity", "250\n");
  CHECK_FALSE(read_battery(root.path()).capacity_percent);
  write(bat / "capacity", std::string(100000, '9'));
  CHECK_FALSE(read_battery(root.path()).capacity_percent);
}

TEST_CASE("no battery, and no power_supply directory at all") {
  temp_dir root("bodycam-sysfs");
  write(fs::path(root.path()) / "class/power_supply/AC/type", "Mains\n");
  auto b = read_battery(root.path());
  CHECK_FALSE(b.present);
  CHECK(b.problem.find("no power_supply of type Battery") != std::string::npos);
  b = read_battery(fs::path(root.path()) / "nowhere");
  CHECK_FALSE(b.present);
  CHECK(b.problem.find("nowhere/class/power_supply") != std::string::npos);
}

TEST_CASE("parse_sysfs_integer") {
  CHECK(parse_sysfs_integer("42\n") == 42);
  CHECK(parse_sysfs_integer("-3") == -3);
  CHECK_FALSE(parse_sysfs_integer(""));
  CHECK_FALSE(parse_sysfs_integer("4 2"));
  CHECK_FALSE(parse_sysfs_integer("0x10"));
  CHECK_FALSE(parse_sysfs_integer("99999999999999999999999"));
}

}  // namespace power_supply_reader_test
