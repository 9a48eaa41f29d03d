// `bodycam doctor dock` on fixtures: the good dock has no finding but ok (the create-only probe ran and was
// refused), and each broken fixture, named for what it breaks, yields the finding that names it.
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sha256.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/tools/doctor/doctor_fixtures.hpp"
#include "tools/doctor/dock_rules.hpp"

#include <sys/stat.h>

#include <filesystem>

#include <catch2/catch.hpp>

namespace {

namespace fs = std::filesystem;
using namespace bodycam::tests::doctor_fixtures;
using bodycam::tests::fixed_key;
using doctor::severity;

bool has_what(const std::vector<doctor::finding>& all, const std::string& check, severity level,
              const std::string& text) {
  for (const auto& f : having(all, check, level))
    if (f.what.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("good_dock: every check runs and is ok, exit 0; the store refused the overwrite", "[integration]") {
  dock_fixture dock;
  const auto key_before = bodycam::common::core::read_file(dock.store_dir() + "/keys/cam-1.pub", 4096);
  REQUIRE(key_before.has_value());
  const auto findings = dock.run();
  INFO(not_ok(findings));
  CHECK(doctor::exit_code_of(findings) == 0);
  CHECK(the_one(findings, "key_file", severity::ok).what.find("labelled 'dock-1'") != std::string::npos);
  CHECK(having(findings, "key_enrollment", severity::ok).size() == 2);  // beside the key and in the store
  CHECK(the_one(findings, "store", severity::ok).where == dock.store_dir());
  CHECK(has_what(findings, "store_write_once", severity::ok, "4 stored file(s) are read-only"));
  CHECK(has_what(findings, "store_write_once", severity::ok,
                 "a create of the existing keys/cam-1.pub with other bytes was refused and changed nothing"));
  CHECK(the_one(findings, "storage", severity::ok).what.find("1 camera(s)") != std::string::npos);
  CHECK(the_one(findings, "peers", severity::ok).what.find("cam-1") != std::string::npos);
  CHECK(having(findings, "paths", severity::ok).size() == 3);
  // The probe wrote nothing: the stored key is byte for byte what it was, and no temp file is left.
  CHECK(bodycam::common::core::read_file(dock.store_dir() + "/keys/cam-1.pub", 4096).value() == *key_before);
  for (const auto& entry : fs::directory_iterator(dock.store_dir() + "/keys"))
    CHECK_FALSE(entry.path().filename().string().starts_with("."));
}

TEST_CASE("store_dir_missing: problem", "[integration]") {
  dock_fixture dock;
  fs::remove_all(dock.store_dir());
  const auto findings = dock.run();
  CHECK(the_one(findings, "store", severity::problem).what.find("missing") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("store_dir_not_a_store: a directory without store.json, problem", "[integration]") {
  dock_fixture dock;
  fs::remove_all(dock.store_dir());
  fs::create_directories(dock.store_dir() + "/objects");
  const auto findings = dock.run();
  CHECK(the_one(findings, "store", severity::problem).what.find("does not open") != std::string::npos);
}

TEST_CASE("store_not_write_once: a stored file made writable, problem", "[integration]") {
  dock_fixture dock;
  fs::path object;
  for (const auto& entry : fs::directory_iterator(dock.store_dir() + "/objects/sha256")) object = entry.path();
  REQUIRE_FALSE(object.empty());
  REQUIRE(::chmod(object.c_str(), 0644) == 0);
  const auto findings = dock.run();
  const auto f = the_one(findings, "store_write_once", severity::problem);
  CHECK(f.what.find("1 stored file(s) can be written to") != std::string::npos);
  CHECK(f.what.find(object.string()) != std::string::npos);
  CHECK(f.what.find("mode 0644") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("store_empty: create-only cannot be tried yet, ok with the reason", "[integration]") {
  dock_fixture dock;
  fs::remove_all(dock.store_dir());
  REQUIRE(bodycam::common::store::open_directory_store(dock.store_dir(), true).has_value());
  const auto findings = dock.run();
  CHECK(has_what(findings, "store_write_once", severity::ok, "nothing stored yet"));
}

TEST_CASE("dock_config_camera_not_enrolled: camera slots configured, no camera enrolled, problem", "[integration]") {
  dock_fixture dock;
  fs::remove(dock.dir / "cameras/cam-1.pub");
  const auto findings = dock.run();
  const auto f = the_one(findings, "peers", severity::problem);
  CHECK(f.what.find("1 camera slot(s) are configured but no camera is enrolled") != std::string::npos);
  CHECK(f.fix.find("bodycam enroll camera") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("camera_enrolled_with_other_key_than_store: problem", "[integration]") {
  dock_fixture dock;
  fs::remove(dock.dir / "cameras/cam-1.pub");
  REQUIRE(
      bodycam::common::crypto::write_public_key(dock.dir / "cameras/cam-1.pub", {"cam-1", fixed_key(9).public_key()})
          .has_value());
  CHECK(the_one(dock.run(), "peers", severity::problem).what.find("another key than the store holds") !=
        std::string::npos);
}

TEST_CASE("camera_enrolled_not_in_store: warning", "[integration]") {
  dock_fixture dock;
  REQUIRE(
      bodycam::common::crypto::write_public_key(dock.dir / "cameras/cam-2.pub", {"cam-2", fixed_key(2).public_key()})
          .has_value());
  const auto findings = dock.run();
  CHECK(the_one(findings, "peers", severity::warning).what.find("'cam-2'") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 1);
}

TEST_CASE("dock_key_does_not_match_store_enrollment: problem", "[integration]") {
  dock_fixture dock;
  for (const auto* name : {"keys/dock-1.key", "keys/dock-1.pub"}) fs::remove(dock.dir / name);
  REQUIRE(bodycam::common::crypto::write_key_pair(dock.dir / "keys/dock-1", "dock-1", fixed_key(201)).has_value());
  const auto f = the_one(dock.run(), "key_enrollment", severity::problem);
  CHECK(f.where == dock.store_dir() + "/keys/dock-1.pub");
}

TEST_CASE("dock_key_not_in_store: warning naming bodycam enroll dock", "[integration]") {
  dock_fixture dock;
  dock.config.set("dock", "store_dir", quoted("store2"));
  dock.write_config();
  REQUIRE(bodycam::common::store::open_directory_store(dock.dir / "store2", true).has_value());
  const auto findings = dock.run();
  const auto f = the_one(findings, "key_enrollment", severity::warning);
  CHECK(f.where == dock.dir / "store2/keys/dock-1.pub");
  CHECK(f.fix.find("bodycam enroll dock --key dock-1.pub") != std::string::npos);
  CHECK(having(findings, "key_enrollment", severity::ok).size() == 1);  // the .pub beside it still matches
}

TEST_CASE("dock_key_labelled_for_another_dock: problem", "[integration]") {
  dock_fixture dock;
  dock.config.set("dock", "id", quoted("dock-2"));
  dock.write_config();
  CHECK(the_one(dock.run(), "key_file", severity::problem).what.find("labelled 'dock-1'") != std::string::npos);
}

TEST_CASE("dock key_file_group_readable: problem", "[integration]") {
  dock_fixture dock;
  REQUIRE(::chmod((dock.dir / "keys/dock-1.key").c_str(), 0604) == 0);
  CHECK(the_one(dock.run(), "key_file", severity::problem).what.find("mode 0604") != std::string::npos);
}

TEST_CASE("dock clock_unset_1970: problem (it would cosign wrong times)", "[integration]") {
  dock_fixture dock;
  dock.time.now = bodycam::common::record::utc_time(std::chrono::seconds(1000));
  const auto findings = dock.run();
  CHECK(the_one(findings, "clock", severity::problem).what.find("unset") != std::string::npos);
  CHECK(doctor::exit_code_of(findings) == 2);
}

TEST_CASE("dock clock_not_synchronized: warning", "[integration]") {
  dock_fixture dock;
  auto facts = dock.facts();
  facts.clock.synchronized = false;
  const auto findings = doctor::evaluate_dock(facts);
  CHECK(the_one(findings, "clock", severity::warning).fix.find("timedatectl set-ntp true") != std::string::npos);
}

TEST_CASE("dock host clock: the probe reads the kernel's state", "[integration]") {
  dock_fixture dock;
  CHECK(dock.facts(true).clock.synchronized.has_value());
}

TEST_CASE("store_too_small_for_a_shift: warning", "[integration]") {
  dock_fixture dock;
  doctor::dock_request request;
  request.config = dock.config_path();
  request.shift = std::chrono::minutes(1440);
  request.camera_bitrate_kbps = 50400;
  auto facts = doctor::gather_dock_facts(request, dock.time);
  REQUIRE(facts.store.available_bytes.has_value());
  // 24 h at 50 400 kbit/s is about 544 GB; the fixture needs a disk with less free than that.
  REQUIRE(static_cast<double>(*facts.store.available_bytes) < 24.0 * 3600 * 50'400'000 / 8);
  facts.clock.synchronized = true;
  CHECK(the_one(doctor::evaluate_dock(facts), "storage", severity::warning).what.find("of the planned 24.0 h") !=
        std::string::npos);
}

TEST_CASE("dock config_unknown_key: problem naming the key", "[integration]") {
  dock_fixture dock;
  dock.config.set("dock", "stor_dir", quoted("store"));
  dock.write_config();
  const auto findings = dock.run();
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().check == "config");
  CHECK(findings.front().what.find("stor_dir") != std::string::npos);
}

TEST_CASE("dock config_path_unwritable: the spool cannot be created", "[integration]") {
  dock_fixture dock;
  std::FILE* f = std::fopen((dock.dir / "blocked").c_str(), "w");
  REQUIRE(f != nullptr);
  std::fclose(f);
  dock.config.set("dock", "spool_dir", quoted("blocked/spool"));
  dock.write_config();
  CHECK(the_one(dock.run(), "paths", severity::problem).what.find("dock.spool_dir is missing and cannot be created") !=
        std::string::npos);
}
