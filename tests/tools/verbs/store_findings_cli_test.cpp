// End to end: what `bodycam audit STORE` and `bodycam verify STORE` find when a store lacks what its records and
// receipts say it holds, on a directory store the dock would have filled (two cameras, each an ordinary shift
// with its receipt). Each attack is named for what was done to the store; both verbs must say not authentic
// (exit 2) with the same reason code (docs/formats/store.md, "Reason codes") naming the record or the file.
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"

#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

struct shift_store {
  temp_dir dir;
  fs::path store_path = dir / "store";
  std::vector<record::signed_record> cam2_records;  // cam-0002's records, as stored
  shift_store() {
    auto s = store::open_directory_store(store_path, true).value();
    evidence_camera cam1(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam1, 2, std::chrono::minutes(45));
    evidence_camera cam2(s, "cam-0002", 2);
    bodycam::tests::record_shift(cam2, 3, std::chrono::minutes(30));
    cam2_records = cam2.records();
  }
  fs::path object_path(const crypto::sha256_digest& d) const { return store_path / "objects/sha256" / d.to_hex(); }
  // Stored files are 0440 (store.md §4 rule 6): the attacker makes them writable first.
  void rewrite(const fs::path& p, const std::string& bytes) const {
    fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string read(const fs::path& p) const {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

// The store findings of one device in a JSON report (audit's or verify's: both carry "store_findings").
nlohmann::json findings_of(const nlohmann::json& report, const std::string& device) {
  for (const auto& d : report.at("devices"))
    if (d.at("device") == device) return d.at("store_findings");
  FAIL("no device " << device << " in the report");
  return {};
}

bool has_finding(const nlohmann::json& findings, const std::string& reason, const std::string& key,
                 const nlohmann::json& value) {
  for (const auto& f : findings)
    if (f.at("reason") == reason && f.contains(key) && f.at(key) == value) return true;
  return false;
}

// Runs both verbs, text and --json; both must exit 2 and report `reason` with `key` = `value` for cam-0002.
void both_verbs_report(const shift_store& t, const std::string& reason, const std::string& key,
                       const nlohmann::json& value, const std::string& sentence) {
  for (const std::string verb : {"audit", "verify"}) {
    INFO(verb);
    auto text = run_bodycam({verb, t.store_path.string()});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 2);
    CHECK(text.out.find(sentence) != std::string::npos);
    auto json = run_bodycam({verb, t.store_path.string(), "--json"});
    CHECK(json.exit_code == 2);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j.at("verdict") == "not_authentic");
    const auto findings = findings_of(j, "cam-0002");
    INFO(findings.dump(2));
    CHECK(has_finding(findings, reason, key, value));
    CHECK(findings_of(j, "cam-0001").empty());  // the other camera is not flagged
  }
}

}  // namespace

TEST_CASE("an untouched shift store: both verbs find nothing missing", "[e2e]") {
  shift_store t;
  for (const std::string verb : {"audit", "verify"}) {
    auto r = run_bodycam({verb, t.store_path.string(), "--json"});
    INFO(verb << r.out << r.err);
    CHECK(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(findings_of(j, "cam-0001").empty());
    CHECK(findings_of(j, "cam-0002").empty());
  }
}

TEST_CASE("tail_record_deleted_receipt_kept: the receipt says the newest record is stored; it is not", "[e2e]") {
  shift_store t;
  const std::uint64_t last = t.cam2_records.back().body.seq;
  const fs::path record = t.store_path / "records/cam-0002" / std::to_string(last);
  REQUIRE(fs::exists(record));
  REQUIRE(fs::exists(t.store_path / ("receipts/cam-0002.0-" + std::to_string(last + 1))));
  fs::remove(record);
  both_verbs_report(t, "receipt_record_missing", "first_seq", last,
                    "Record " + std::to_string(last) + " of cam-0002 is covered by receipt receipts/cam-0002.0-" +
                        std::to_string(last + 1));
}

TEST_CASE("tail_record_and_its_file_deleted_receipt_kept: the receipt names the file too", "[e2e]") {
  shift_store t;
  const auto& tail = t.cam2_records.back();
  const auto statement = std::get<record::annotation_payload>(tail.body.body);  // the stop statement
  fs::remove(t.store_path / "records/cam-0002" / std::to_string(tail.body.seq));
  REQUIRE(fs::remove(t.object_path(statement.file_sha256)));
  both_verbs_report(t, "object_missing", "object", statement.file_sha256.to_hex(),
                    "objects/sha256/" + statement.file_sha256.to_hex());
  both_verbs_report(t, "receipt_record_missing", "first_seq", tail.body.seq, "of cam-0002 is covered by receipt");
}

TEST_CASE("receipt_object_deleted, segment_truncated, segment_byte_flipped: same code from audit and verify",
          "[e2e]") {
  shift_store t;
  const auto& seg_record = t.cam2_records.at(5);
  const auto segment = std::get<record::segment_payload>(seg_record.body.body);
  const fs::path object = t.object_path(segment.file_sha256);
  REQUIRE(fs::exists(object));
  const std::string bytes = t.read(object);
  REQUIRE(bytes.size() == segment.byte_length);
  SECTION("remove_stored_segment") {
    fs::remove(object);
    both_verbs_report(t, "object_missing", "object", segment.file_sha256.to_hex(), segment.file_name);
  }
  SECTION("truncate_stored_segment") {
    t.rewrite(object, bytes.substr(0, bytes.size() - 1));
    both_verbs_report(t, "object_short", "file_name", segment.file_name, "shorter than recorded");
  }
  SECTION("flip_byte_in_stored_segment") {
    std::string flipped = bytes;
    flipped[0] = static_cast<char>(flipped[0] ^ 0x01);
    t.rewrite(object, flipped);
    both_verbs_report(t, "object_mismatch", "file_name", segment.file_name, "no longer has the bytes");
  }
}

namespace {

std::string device_verdict(const nlohmann::json& report, const std::string& device) {
  for (const auto& d : report.at("devices"))
    if (d.at("device") == device) return d.at("verdict").get<std::string>();
  FAIL("no device " << device << " in the report");
  return {};
}

}  // namespace

TEST_CASE("mislabelled_key_file, key_file_removed: that device cannot be verified, the others still are (V13, V15)",
          "[e2e]") {
  shift_store t;
  const fs::path key = t.store_path / "keys/cam-0002.pub";
  const std::string line = t.read(key);
  SECTION("mislabelled_key_file") {
    REQUIRE(line.find(" cam-0002 ") != std::string::npos);
    std::string relabelled = line;
    relabelled.replace(relabelled.find(" cam-0002 "), 10, " cam-0009 ");
    t.rewrite(key, relabelled);
  }
  SECTION("key_file_removed") { REQUIRE(fs::remove(key)); }
  for (const std::string verb : {"audit", "verify"}) {
    INFO(verb);
    auto r = run_bodycam({verb, t.store_path.string(), "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("verdict") == "cannot_verify");
    CHECK(device_verdict(j, "cam-0001") == "authentic");
    CHECK(device_verdict(j, "cam-0002") == "cannot_verify");
    auto text = run_bodycam({verb, t.store_path.string()});
    CHECK(text.exit_code == 3);
    CHECK(text.out.find("cam-0002") != std::string::npos);
  }
  // A forged record of the other device outweighs the device that cannot be checked.
  const fs::path record = t.store_path / "records/cam-0001/1";
  std::string bytes = t.read(record);
  bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
  t.rewrite(record, bytes);
  for (const std::string verb : {"audit", "verify"}) {
    INFO(verb);
    auto r = run_bodycam({verb, t.store_path.string(), "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(device_verdict(j, "cam-0001") == "not_authentic");
    CHECK(device_verdict(j, "cam-0002") == "cannot_verify");
  }
}
