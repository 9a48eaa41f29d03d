// End to end: the `bodycam` program as a clerk runs it, and an independent verifier written from
// docs/formats/chain.md alone (tests/tools/independent_verifier.py) that must agree with it.
#include "tests/tools/independent_verifier.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using bodycam::tests::built_program;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

namespace {

using bodycam::tests::independent;
using bodycam::tests::python;

bodycam::tests::process_result bodycam_cli(std::vector<std::string> args) {
  return bodycam::tests::run_bodycam(std::move(args));
}

void flip_byte(const fs::path& file, std::size_t from_end) {
  ::chmod(file.c_str(), 0644);
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(-static_cast<std::streamoff>(from_end), std::ios::end);
  char c = 0;
  f.get(c);
  f.seekp(-static_cast<std::streamoff>(from_end), std::ios::end);
  f.put(static_cast<char>(c ^ 0x01));
}

}  // namespace

TEST_CASE("the format document's golden vectors verify in an independent implementation", "[e2e]") {
  auto r = run_process({python, independent, "golden", std::string(BODYCAM_SOURCE_DIR) + "/docs/formats/chain.md"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"signature_ok\": true") != std::string::npos);
  // The golden chain's records 1-8 link to the one before (and record 0 to zeros); the encrypted records are an
  // excerpt from seq 20 whose second and third records link to the one before.
  std::size_t linked = 0;
  for (auto at = r.out.find("\"links\": true"); at != std::string::npos; at = r.out.find("\"links\": true", at + 1))
    ++linked;
  CHECK(linked == 11);
  CHECK(r.out.find("\"seq\": 20, \"hash_matches_doc\": true, \"signature_ok\": true, \"links\": \"excerpt start\"") !=
        std::string::npos);
}

TEST_CASE("keygen writes a key pair once and refuses to overwrite it", "[e2e]") {
  temp_dir dir;
  auto first = bodycam_cli({"keygen", "--id", "cam-9", "--out", dir.path()});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("fingerprint:") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat((dir / "cam-9.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = bodycam_cli({"keygen", "--id", "cam-9", "--out", dir.path()});
  CHECK(second.exit_code == 3);
  CHECK(second.err.find("refusing to overwrite") != std::string::npos);
  CHECK(bodycam_cli({"keygen", "--id", "../evil", "--out", dir.path()}).exit_code == 3);
}

TEST_CASE("verify a store's records; tampering is caught by both verifiers", "[e2e]") {
  temp_dir dir;
  const fs::path store = dir / "store";
  std::size_t record_count = 0;
  {
    auto opened = bodycam::common::store::open_directory_store(store, true);
    REQUIRE(opened);
    bodycam::tests::evidence_camera first(*opened, "cam-0001", 1);
    bodycam::tests::evidence_camera second(*opened, "cam-0002", 2);
    bodycam::tests::record_shift(first, 3, std::chrono::minutes(30));
    bodycam::tests::record_shift(second, 1, std::chrono::minutes(30));
    record_count = first.records().size();
  }
  REQUIRE(record_count > 5);
  const std::string records = (store / "records/cam-0001").string();
  const std::string key = (store / "keys/cam-0001.pub").string();
  // The text says it in words; the JSON carries the verdict and the counts.
  const std::string all_ok =
      "Authentic: all " + std::to_string(record_count) + " records of cam-0001 verify and none is missing.";
  auto counts_all_ok = [&](const nlohmann::json& j) {
    return j["verdict"] == "authentic" && j["summary"]["records"] == record_count &&
           j["summary"]["ok"] == record_count && j["summary"]["problems"] == 0;
  };

  SECTION("untouched: authentic, as text and JSON, in both verifiers") {
    auto text = bodycam_cli({"verify", records, "--key", key});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 0);
    CHECK(text.out.find(all_ok) != std::string::npos);
    auto json = bodycam_cli({"verify", records, "--key", key, "--json"});
    REQUIRE(json.exit_code == 0);
    auto parsed = nlohmann::json::parse(json.out);
    CHECK(counts_all_ok(parsed));
    CHECK(parsed["verdict"] == "authentic");
    CHECK(parsed["summary"]["kinds"]["segment"] == 3);
    auto other = run_process({python, independent, "records", records, key});
    CHECK(other.exit_code == 0);
    CHECK(other.out.find("\"verdict\": \"authentic\"") != std::string::npos);
  }
  SECTION("flip_byte_in_signature of a stored record: exit 2 naming the record") {
    flip_byte(store / "records/cam-0001/4", 1);
    auto r = bodycam_cli({"verify", records, "--key", key});
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("Record 4 of cam-0001 does not carry a valid signature of cam-0001's key") != std::string::npos);
    CHECK(r.out.find("[records/cam-0001/4]") != std::string::npos);
    auto j = nlohmann::json::parse(bodycam_cli({"verify", records, "--key", key, "--json"}).out);
    CHECK(j["records"][4]["origin"] == "records/cam-0001/4");
    CHECK(j["records"][4]["findings"][0]["reason"] == "bad_signature");
    CHECK(run_process({python, independent, "records", records, key}).exit_code == 2);
  }
  SECTION("--jobs 1 and --jobs 3 print the same reports and exit codes, untouched and after flip_byte_in_signature") {
    auto same_at_every_jobs = [&](const std::vector<std::string>& args, int expected_exit) {
      std::vector<std::string> one = args, three = args;
      one.insert(one.end(), {"--jobs", "1"});
      three.insert(three.end(), {"--jobs", "3"});
      const auto a = bodycam_cli(one);
      const auto b = bodycam_cli(three);
      INFO(a.err << b.err);
      CHECK(a.exit_code == expected_exit);
      CHECK(b.exit_code == expected_exit);
      CHECK_FALSE(a.out.empty());
      CHECK(a.out == b.out);
    };
    same_at_every_jobs({"verify", records, "--key", key, "--json"}, 0);
    same_at_every_jobs({"verify", store.string()}, 0);
    flip_byte(store / "records/cam-0001/4", 1);
    same_at_every_jobs({"verify", records, "--key", key, "--json"}, 2);
    same_at_every_jobs({"verify", records, "--key", key}, 2);
    same_at_every_jobs({"verify", store.string(), "--json"}, 2);
  }
  SECTION("remove_one_record from the store: exit 2 with the gap") {
    fs::remove(store / "records/cam-0001/3");
    auto r = bodycam_cli({"verify", records, "--key", key, "--json"});
    CHECK(r.exit_code == 2);
    auto parsed = nlohmann::json::parse(r.out);
    CHECK(parsed["summary"]["missing"] == nlohmann::json::array({nlohmann::json::array({3, 3})}));
    CHECK(run_process({python, independent, "records", records, key}).exit_code == 2);
  }
  SECTION("wrong_public_key: another camera's key gives exit 2 wrong_key") {
    auto r = bodycam_cli({"verify", records, "--key", (store / "keys/cam-0002.pub").string(), "--device", "cam-0001"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("No record of cam-0001 verifies under the key given") != std::string::npos);
    auto j = nlohmann::json::parse(bodycam_cli({"verify", records, "--key", (store / "keys/cam-0002.pub").string(),
                                                "--device", "cam-0001", "--json"})
                                       .out);
    CHECK(j["chain_findings"][0]["reason"] == "wrong_key");
  }
  SECTION("inside a store the store's key is used; elsewhere no key, missing path, or junk: exit 3") {
    auto from_store = bodycam_cli({"verify", records});
    CHECK(from_store.exit_code == 0);
    CHECK(from_store.out.find(all_ok) != std::string::npos);
    CHECK(counts_all_ok(nlohmann::json::parse(bodycam_cli({"verify", records, "--json"}).out)));
    fs::copy(records, dir / "loose-records");
    auto no_key = bodycam_cli({"verify", dir / "loose-records"});
    CHECK(no_key.exit_code == 3);
    CHECK(no_key.err.find("no device public key") != std::string::npos);
    CHECK(bodycam_cli({"verify", dir / "nowhere", "--key", key}).exit_code == 3);
    std::ofstream(dir / "junk") << "not a ledger";
    auto junk = bodycam_cli({"verify", dir / "junk", "--key", key});
    CHECK(junk.exit_code == 3);
    CHECK(junk.err.find("neither a ledger nor a directory") != std::string::npos);
  }
}
