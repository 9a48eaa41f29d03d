// `bodycam doctor` as a program: the good camera exits 0 in text and --json, a broken one exits 2 and prints
// the fix, the good dock differs from 0 only by the host's own clock, and --help names both targets.
#include "tests/tools/doctor/doctor_fixtures.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

using namespace bodycam::tests::doctor_fixtures;
using bodycam::tests::built_program;
using bodycam::tests::run_process;

}  // namespace

TEST_CASE("bodycam doctor camera: good fixture exits 0, text and --json", "[e2e]") {
  // The program uses the real clock: the ledger's last sync is an hour before it runs.
  camera_fixture cam(std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()) -
                     std::chrono::hours(1));

  const auto text = run_process({built_program("bodycam"), "doctor", "camera", "--config", cam.config_path()});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("ok      key_file: the device key has mode 0600") != std::string::npos);
  CHECK(text.out.find("ok      clock: last dock sync 60 min ago") != std::string::npos);
  CHECK(text.out.find("all checks ok\n") != std::string::npos);

  const auto json =
      run_process({built_program("bodycam"), "doctor", "camera", "--config", cam.config_path(), "--json"});
  INFO(json.out << json.err);
  CHECK(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc.at("target") == "camera");
  CHECK(doc.at("exit_code") == 0);
  CHECK(doc.at("result") == "ok");
  CHECK(doc.at("findings").size() >= 10);
}

TEST_CASE("bodycam doctor camera: key_file_group_readable exits 2 and prints the fix", "[e2e]") {
  camera_fixture cam;
  REQUIRE(::chmod((cam.dir / "keys/cam-1.key").c_str(), 0640) == 0);
  const auto r = run_process({built_program("bodycam"), "doctor", "camera", "--config", cam.config_path()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("problem key_file: the device key has mode 0640") != std::string::npos);
  CHECK(r.out.find("fix: chmod 600 " + (cam.dir / "keys/cam-1.key").string()) != std::string::npos);
}

TEST_CASE("bodycam doctor dock: good fixture, --json; only the host clock may warn", "[e2e]") {
  dock_fixture dock;
  const auto r = run_process(
      {built_program("bodycam"), "doctor", "dock", "--config", dock.config_path(), "--json", "--shift-minutes", "10"});
  INFO(r.out << r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc.at("exit_code") == r.exit_code);
  std::size_t warnings = 0;
  for (const auto& f : doc.at("findings")) {
    if (f.at("severity") == "ok") continue;
    CHECK(f.at("severity") == "warning");
    CHECK(f.at("check") == "clock");
    ++warnings;
  }
  CHECK(warnings == static_cast<std::size_t>(r.exit_code));
  bool probed = false;
  for (const auto& f : doc.at("findings"))
    probed = probed || f.at("what").get<std::string>().find("was refused and changed nothing") != std::string::npos;
  CHECK(probed);
}

TEST_CASE("bodycam doctor dock: store_dir_missing exits 2", "[e2e]") {
  dock_fixture dock;
  std::filesystem::remove_all(dock.store_dir());
  const auto r = run_process({built_program("bodycam"), "doctor", "dock", "--config", dock.config_path()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("problem store: the store directory is missing") != std::string::npos);
}

TEST_CASE("bodycam doctor --help names both targets; no target is a usage error (64)", "[e2e]") {
  const auto help = run_process({built_program("bodycam"), "doctor", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("camera") != std::string::npos);
  CHECK(help.out.find("dock") != std::string::npos);
  CHECK(help.out.find("Exit 0 all ok, 1 warnings, 2 problems") != std::string::npos);
  CHECK(run_process({built_program("bodycam"), "doctor"}).exit_code == 64);
  CHECK(run_process({built_program("bodycam"), "doctor", "camera"}).exit_code == 64);
}
