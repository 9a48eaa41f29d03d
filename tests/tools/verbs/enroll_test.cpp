// `bodycam enroll` end to end (the real program): cameras into a dock's trusted_cameras_dir and the store,
// agency docks into a camera's trusted_docks_dir; create-only, idempotent, refusal of a different key under an
// enrolled name with nothing written anywhere, bad key files refused before any write (E1-E4 of enroll.cpp).
#include "common/crypto/key_file.hpp"
#include "common/record/ids.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/store.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

using bodycam::tests::built_program;
using bodycam::tests::process_result;
using bodycam::tests::run_process;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace crypto = bodycam::common::crypto;

namespace {

process_result run_bodycam_for_a_minute(std::vector<std::string> args) {
  return bodycam::tests::run_bodycam(std::move(args), std::chrono::seconds(60));
}

// keygen through the program, so the key files are exactly what operators have.
std::string make_key(const temp_dir& dir, const std::string& folder, const std::string& id) {
  auto r = run_bodycam_for_a_minute({"keygen", "--id", id, "--out", dir / folder});
  REQUIRE(r.exit_code == 0);
  return dir / (folder + "/" + id + ".pub");
}

crypto::public_key key_in(const std::string& path) {
  auto k = crypto::load_public_key(path);
  REQUIRE(k);
  return k->key;
}

}  // namespace

TEST_CASE("enroll camera: trust file and store key, idempotent, refuses a different key", "[e2e]") {
  temp_dir dir("bodycam-enroll");
  const auto cam = make_key(dir, "keys", "cam-01");
  const auto cam2 = make_key(dir, "keys", "cam-02");
  const auto impostor = make_key(dir, "impostor", "cam-01");
  const std::string trusted = dir / "dock/trusted_cameras";  // does not exist yet: created
  const std::string store = dir / "store";

  auto r = run_bodycam_for_a_minute({"enroll", "camera", "--key", cam, "--key", cam2, "--trusted-cameras-dir", trusted, "--store",
                        store, "--create-store"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("cam-01.pub: enrolled") && Catch::Contains("cam-02.pub: enrolled"));
  CHECK_THAT(r.out, Catch::Contains(key_in(cam).fingerprint().to_hex()));
  CHECK(key_in(trusted + "/cam-01.pub") == key_in(cam));
  CHECK(key_in(trusted + "/cam-02.pub") == key_in(cam2));
  CHECK(slurp(trusted + "/cam-01.pub") == slurp(cam));  // the same line, byte for byte
  {
    auto s = bodycam::common::store::open_directory_store(store, false);
    REQUIRE(s);
    auto stored = s->get_public_key(*bodycam::common::record::device_id::parse("cam-01"));
    REQUIRE(stored);
    CHECK(stored->key == key_in(cam));
  }

  SECTION("again: already enrolled, nothing changes (E2)") {
    auto again = run_bodycam_for_a_minute({"enroll", "camera", "--key", cam, "--trusted-cameras-dir", trusted, "--store", store});
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::Contains("already enrolled"));
    CHECK(key_in(trusted + "/cam-01.pub") == key_in(cam));
  }
  SECTION("a different key under an enrolled name is refused, in neither place written (E3)") {
    const std::string fresh = dir / "other-dock/trusted_cameras";
    auto refused =
        run_bodycam_for_a_minute({"enroll", "camera", "--key", impostor, "--trusted-cameras-dir", fresh, "--store", store});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("refuse to enroll cam-01") &&
                                Catch::Contains(key_in(cam).fingerprint().to_hex()) &&
                                Catch::Contains(key_in(impostor).fingerprint().to_hex()));
    CHECK_FALSE(fs::exists(fresh + "/cam-01.pub"));  // the store refused, so the new dock got nothing either

    auto in_dir = run_bodycam_for_a_minute({"enroll", "camera", "--key", impostor, "--trusted-cameras-dir", trusted});
    CHECK(in_dir.exit_code == 2);
    CHECK_THAT(in_dir.err, Catch::Contains(trusted + "/cam-01.pub") && Catch::Contains("different key"));
    CHECK(key_in(trusted + "/cam-01.pub") == key_in(cam));
  }
}

TEST_CASE("enroll dock: agency dock keys into a camera's trusted_docks_dir", "[e2e]") {
  temp_dir dir("bodycam-enroll");
  const auto dock1 = make_key(dir, "keys", "dock-hq");
  const auto dock2 = make_key(dir, "keys", "dock-north");
  const std::string trusted = dir / "camera/trusted_docks";
  auto r = run_bodycam_for_a_minute({"enroll", "dock", "--key", dock1, "--key", dock2, "--trusted-docks-dir", trusted});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(key_in(trusted + "/dock-hq.pub") == key_in(dock1));
  CHECK(key_in(trusted + "/dock-north.pub") == key_in(dock2));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(trusted)) ++files;
  CHECK(files == 2);  // no temp file left behind
}

TEST_CASE("enroll refuses bad input before writing anything (E4) and explains itself", "[e2e]") {
  temp_dir dir("bodycam-enroll");
  const auto good = make_key(dir, "keys", "cam-01");
  const std::string trusted = dir / "trusted";

  SECTION("a key file that does not parse, second in the list") {
    const std::string bad = dir / "bad.pub";
    std::ofstream(bad) << "bodycam-public-key-v1 cam-09 not-hex\n";
    auto r = run_bodycam_for_a_minute({"enroll", "camera", "--key", good, "--key", bad, "--trusted-cameras-dir", trusted});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("bad.pub"));
    CHECK_FALSE(fs::exists(trusted + "/cam-01.pub"));
  }
  SECTION("a secret key file offered as the public key") {
    auto r = run_bodycam_for_a_minute({"enroll", "camera", "--key", dir / "keys/cam-01.key", "--trusted-cameras-dir", trusted});
    CHECK(r.exit_code == 3);
    CHECK_FALSE(fs::exists(trusted));
  }
  SECTION("no destination") {
    auto r = run_bodycam_for_a_minute({"enroll", "camera", "--key", good});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--trusted-cameras-dir"));
  }
  SECTION("a store that does not exist, without --create-store") {
    auto r = run_bodycam_for_a_minute({"enroll", "camera", "--key", good, "--store", dir / "nostore"});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--create-store"));
  }
  SECTION("the trust directory path is a file") {
    std::ofstream(dir / "afile") << "x";
    auto r = run_bodycam_for_a_minute({"enroll", "camera", "--key", good, "--trusted-cameras-dir", dir / "afile"});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("afile"));
  }
  SECTION("--help describes both roles") {
    auto r = run_bodycam_for_a_minute({"enroll", "--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("camera") && Catch::Contains("dock"));
    auto c = run_bodycam_for_a_minute({"enroll", "camera", "--help"});
    CHECK_THAT(c.out, Catch::Contains("--trusted-cameras-dir") && Catch::Contains("--store"));
  }
}
