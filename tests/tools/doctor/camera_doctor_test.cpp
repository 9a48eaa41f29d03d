// `bodycam doctor camera` on fixtures: the good camera has no finding but ok, and each broken fixture, named
// for what it breaks, yields the finding that names it, at the severity the rules give, with a fix.
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/tools/doctor/doctor_fixtures.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <filesystem>

#include <catch2/catch.hpp>

namespace {

namespace fs = std::filesystem;
using namespace bodycam::tests::doctor_fixtures;
using bodycam::tests::fixed_key;
using doctor::severity;

}  // namespace

TEST_CASE("good_camera: every check runs and is ok, exit 0", "[integration]") {
  camera_fixture cam;
  const auto findings = cam.run();
  INFO(not_ok(findings));
  CHECK(doctor::exit_code_of(findings) == 0);
  // The work really happened: each check reports what it looked at.
  CHECK(the_one(findings, "key_file", severity::ok).what.find("labelled 'cam-1'") != std::string::npos);
  CHECK(the_one(findings, "key_enrollment", severity::ok).where == cam.dir / "keys/cam-1.pub");
  CHECK(the_one(findings, "battery", severity::ok).what.find("95%") != std::string::npos);
  CHECK(the_one(findings, "clock", severity::ok).what.find("last dock sync 60 min ago") != std::string::npos);
  CHECK(the_one(findings, "chain_head", severity::ok).what == "record 0 verifies with the device key");
  CHECK(the_one(findings, "camera", severity::ok).where == cam.dir / "dev/video0");
  CHECK(the_one(findings, "microphone", severity::ok).where == cam.dir / "dev/snd");
  CHECK(the_one(findings, "storage", severity::ok).what.find("free") != std::string::npos);
  CHECK(the_one(findings, "peers", severity::ok).what.find("dock-1") != std::string::npos);
  CHECK(having(findings, "paths", severity::ok).size() == 3);
}

TEST_CASE("good_camera with --store: the store's enrolled key matches too", "[integration]") {
  camera_fixture cam;
  {
    auto s = bodycam::common::store::open_directory_store(cam.dir / "store", true);
    REQUIRE(s.has_value());
    REQUIRE(s->put_public_key({"cam-1", fixed_key(1).public_key()}).has_value());
  }
  const auto findings = cam.run(cam.dir / "store");
  INFO(not_ok(findings));
  CHECK(doctor::exit_code_of(findings) == 0);
  CHECK(having(findings, "key_enrollment", severity::ok).size() == 2);
}

TEST_CASE("key_file_group_readable: problem, fix chmod 600", "[integration]") {
  camera_fixture cam;
  REQUIRE(::chmod((cam.dir / "keys/cam-1.key").c_str(), 0640) == 0);
  const auto findings = cam.run();
  const auto f = the_one(findings, "key_file", severity::problem);
  CHECK(f.what.find("mode 0640") != std::string::npos);
  CHECK(f.fix.find("chmod 600 " + (cam.dir / "keys/cam-1.key").string()) != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("key_file_missing: problem naming keygen", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.dir / "keys/cam-1.key");
  const auto findings = cam.run();
  CHECK(the_one(findings, "key_file", severity::problem).fix.find("bodycam keygen --id cam-1") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("key_does_not_match_enrollment: the .pub beside it is another key", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.dir / "keys/cam-1.pub");
  REQUIRE(bodycam::common::crypto::write_public_key(cam.dir / "keys/cam-1.pub", {"cam-1", fixed_key(9).public_key()})
              .has_value());
  const auto findings = cam.run();
  CHECK(the_one(findings, "key_enrollment", severity::problem).what.find("is not the key enrolled") !=
        std::string::npos);
  // Only the enrollment is wrong: the ledger was signed by the key the camera holds.
  CHECK(having(findings, "chain_head", severity::ok).size() == 1);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("key_does_not_match_store_enrollment: the store holds another key for the device", "[integration]") {
  camera_fixture cam;
  {
    auto s = bodycam::common::store::open_directory_store(cam.dir / "store", true);
    REQUIRE(s.has_value());
    REQUIRE(s->put_public_key({"cam-1", fixed_key(9).public_key()}).has_value());
  }
  const auto findings = cam.run(cam.dir / "store");
  CHECK(the_one(findings, "key_enrollment", severity::problem).where == cam.dir / "store/keys/cam-1.pub");
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("device_key_replaced: the ledger's head does not verify with the key", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.dir / "keys/cam-1.key");
  fs::remove(cam.dir / "keys/cam-1.pub");
  REQUIRE(bodycam::common::crypto::write_key_pair(cam.dir / "keys/cam-1", "cam-1", fixed_key(9)).has_value());
  const auto findings = cam.run();
  CHECK(the_one(findings, "chain_head", severity::problem).what.find("does not verify") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("clock_unset_1970: warning (the recorder marks footage unsynced)", "[integration]") {
  camera_fixture cam;
  cam.time.now = bodycam::common::record::utc_time(std::chrono::seconds(1000));
  const auto findings = cam.run();
  CHECK(the_one(findings, "clock", severity::warning).what.find("clock unset") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 1);
}

TEST_CASE("clock_synced_too_long_ago: warning naming the age", "[integration]") {
  camera_fixture cam;
  cam.time.now = synced_at() + std::chrono::hours(30);
  const auto findings = cam.run();
  CHECK(the_one(findings, "clock", severity::warning).what.find("older than 24 h") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 1);
}

TEST_CASE("clock_never_synced: no ledger yet, warning", "[integration]") {
  camera_fixture cam;
  fs::remove_all(cam.dir / "state");
  const auto findings = cam.run();
  CHECK(the_one(findings, "clock", severity::warning).what == "never synced with a dock");
  CHECK(the_one(findings, "chain_head", severity::ok).what.find("no ledger yet") != std::string::npos);
}

TEST_CASE("battery_below_reserve: problem", "[integration]") {
  camera_fixture cam;
  cam.set_battery("7", "Discharging");
  const auto findings = cam.run();
  CHECK(the_one(findings, "battery", severity::problem).what.find("reserve") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("battery_short_of_shift: warning", "[integration]") {
  camera_fixture cam;
  cam.config.set("checks", "planned_shift_minutes", "600");
  cam.write_config();
  cam.set_battery("40", "Discharging");
  const auto findings = cam.run();
  CHECK(the_one(findings, "battery", severity::warning).what.find("of the planned 10.0 h") != std::string::npos);
}

TEST_CASE("battery_missing: no power_supply in sysfs, warning", "[integration]") {
  camera_fixture cam;
  fs::remove_all(cam.dir / "sys/class/power_supply/BAT0");
  const auto findings = cam.run();
  CHECK(the_one(findings, "battery", severity::warning).what.find("no battery found") != std::string::npos);
}

TEST_CASE("video_device_missing: problem", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.dir / "dev/video0");
  const auto findings = cam.run();
  CHECK(the_one(findings, "camera", severity::problem).what.find("missing") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("microphone_missing: warning", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.dir / "dev/snd");
  const auto findings = cam.run();
  the_one(findings, "microphone", severity::warning);
  CHECK(doctor::exit_code_of(findings) == 1);
}

TEST_CASE("storage_short_of_shift: the planned shift does not fit the free space", "[integration]") {
  camera_fixture cam;
  cam.config.set("checks", "planned_shift_minutes", "1440");
  cam.config.set("encoder", "video_bitrate_kbps", "50000");
  cam.write_config();
  struct statvfs vfs {};
  REQUIRE(::statvfs((cam.dir / "segments").c_str(), &vfs) == 0);
  const double free_bytes = static_cast<double>(vfs.f_bavail) * static_cast<double>(vfs.f_frsize);
  // 24 h at 50 064 kbit/s is about 540 GB; the fixture needs a disk with less free than that.
  REQUIRE(free_bytes < 24.0 * 3600 * 50'064'000 / 8);
  const auto findings = cam.run();
  CHECK(the_one(findings, "storage", severity::warning).what.find("of the planned 24.0 h") != std::string::npos);
}

TEST_CASE("config_unknown_key: problem naming the key, nothing else checked", "[integration]") {
  camera_fixture cam;
  cam.config.set("device", "recordng_dir", quoted("segments"));
  cam.write_config();
  const auto findings = cam.run();
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().level == severity::problem);
  CHECK(findings.front().check == "config");
  CHECK(findings.front().what.find("recordng_dir") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("config_missing: problem naming the file", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.config_path());
  const auto findings = cam.run();
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().what.find(cam.config_path()) != std::string::npos);
}

TEST_CASE("config_group_writable: warning", "[integration]") {
  camera_fixture cam;
  REQUIRE(::chmod(cam.config_path().c_str(), 0664) == 0);
  CHECK(the_one(cam.run(), "config", severity::warning).fix == "chmod go-w " + cam.config_path());
}

TEST_CASE("config_path_unwritable: the recording directory cannot be created", "[integration]") {
  camera_fixture cam;
  // A regular file where a directory must be: no user, root included, can make the directory below it.
  std::FILE* f = std::fopen((cam.dir / "blocked").c_str(), "w");
  REQUIRE(f != nullptr);
  std::fclose(f);
  cam.config.set("device", "recording_dir", quoted("blocked/segments"));
  cam.write_config();
  const auto findings = cam.run();
  const auto p = the_one(findings, "paths", severity::problem);
  CHECK(p.what.find("device.recording_dir is missing and cannot be created") != std::string::npos);
  CHECK(p.what.find("blocked is not a directory") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("recording_dir_is_a_file: problem", "[integration]") {
  camera_fixture cam;
  fs::remove_all(cam.dir / "segments");
  std::FILE* f = std::fopen((cam.dir / "segments").c_str(), "w");
  REQUIRE(f != nullptr);
  std::fclose(f);
  CHECK(the_one(cam.run(), "paths", severity::problem).what == "device.recording_dir is not a directory");
}

TEST_CASE("camera_enrolls_no_dock: offload on, trusted_docks_dir empty, problem", "[integration]") {
  camera_fixture cam;
  fs::remove(cam.dir / "docks/dock-1.pub");
  const auto findings = cam.run();
  CHECK(the_one(findings, "peers", severity::problem).fix.find("bodycam enroll dock") != std::string::npos);
}

TEST_CASE("trusted_dock_file_mislabelled: the trust directory does not load, problem", "[integration]") {
  camera_fixture cam;
  REQUIRE(bodycam::common::crypto::write_public_key(cam.dir / "docks/dock-2.pub", {"dock-9", fixed_key(3).public_key()})
              .has_value());
  CHECK(the_one(cam.run(), "peers", severity::problem).what.find("dock-2") != std::string::npos);
}
