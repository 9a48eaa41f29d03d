// The two verifiers agree record by record: every tamper case of the C++ verifier's tests
// (tests/common/chain/verifier_test.cpp, tests/tools/verbs/bodycam_cli_test.cpp) is written as a directory of
// stored records (records/<device>/<seq>, docs/formats/chain.md §7) and verified by `bodycam verify --json` and by
// tests/tools/independent_verifier.py (written from the format document alone). Compared: the verdict and exit
// code, the chain findings, the missing ranges, and for every record its reason codes (records keyed by their
// seq, or by file name when they do not decode; at one seq the reason lists are compared as a multiset, because
// which of two identical copies is "the copy" depends on the directory's order). Each case also states the
// reason codes it must produce, so a tamper that did nothing fails.
#include "tests/tools/independent_verifier.hpp"
#include "common/crypto/key_file.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
using bodycam::tests::chain_scenario;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using bodycam::tests::independent;
using bodycam::tests::python;
const char* shift = "boot precheck start seg seg seg stop";  // seqs 0..6

// A records directory `<dir>/cam-1` with one file per entry (name → signed record bytes) and the key file.
struct case_files {
  temp_dir dir{"bodycam-two-verifiers"};
  fs::path records = dir / "cam-1";
  fs::path key = dir / "cam-1.pub";
  std::vector<std::string> extra_args;  // --checkpoint FILE, --excerpt

  explicit case_files(const crypto::public_key& public_key) {
    fs::create_directory(records);
    REQUIRE(crypto::write_public_key(key, {"cam-1", public_key}).has_value());
  }
  void put(const std::string& name, const core::byte_buffer& bytes) const {
    std::ofstream out(records / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
  }
  // Record `index` of `s` with the last byte of its plaintext_sha256 (an encrypted record's last field, just
  // before the 64-byte signature) flipped.
  void put_with_plaintext_hash_flipped(const chain_scenario& s, std::size_t index) const {
    auto bytes = s.records()[index].bytes;
    bytes[bytes.size() - 64 - 1] ^= 0x01;
    put(std::to_string(index), bytes);
  }
  void put_all(const chain_scenario& s) const {
    for (const auto& r : s.records()) put(std::to_string(r.body.seq), r.bytes);
  }
};

using record_reasons = std::map<std::string, std::multiset<std::vector<std::string>>>;

std::vector<std::string> codes_of(const json& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.at("reason").get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

// Per record (key: "seq N", or "file NAME" if it did not decode): its sorted reason codes.
record_reasons reasons_by_record(const json& records) {
  record_reasons out;
  for (const auto& r : records) {
    std::string origin = r.at("origin").get<std::string>();
    origin = origin.substr(origin.rfind('/') + 1);
    const std::string key = r.contains("seq") && r.at("seq").is_number()
                                ? "seq " + std::to_string(r.at("seq").get<std::uint64_t>())
                                : "file " + origin;
    out[key].insert(codes_of(r.at("findings")));
  }
  return out;
}

std::string describe(const record_reasons& reasons) {
  std::string out;
  for (const auto& [key, lists] : reasons)
    for (const auto& list : lists) {
      out += key + ":";
      for (const auto& c : list) out += " " + c;
      out += "; ";
    }
  return out;
}

// Runs both verifiers on the case and compares everything listed above; `expected` are reason codes (record or
// chain) that must appear in both. Returns the C++ report.
json compare(const case_files& c, const std::string& expected_verdict, const std::set<std::string>& expected) {
  std::vector<std::string> cpp_args{"verify", c.records.string(), "--key", c.key.string(), "--json"};
  std::vector<std::string> py_args{python, independent, "records", c.records.string(), c.key.string()};
  cpp_args.insert(cpp_args.end(), c.extra_args.begin(), c.extra_args.end());
  py_args.insert(py_args.end(), c.extra_args.begin(), c.extra_args.end());
  const auto cpp = bodycam::tests::run_bodycam(cpp_args);
  const auto py = run_process(py_args);
  INFO("bodycam verify: exit " << cpp.exit_code << "\n" << cpp.out << cpp.err);
  INFO("independent_verifier.py: exit " << py.exit_code << "\n" << py.out << py.err);
  REQUIRE(json::accept(cpp.out));
  REQUIRE(json::accept(py.out));
  const auto a = json::parse(cpp.out), b = json::parse(py.out);

  CHECK(a.at("verdict") == expected_verdict);
  CHECK(b.at("verdict") == a.at("verdict"));
  CHECK(cpp.exit_code == a.at("exit_code").get<int>());
  CHECK(py.exit_code == cpp.exit_code);
  CHECK(codes_of(b.at("chain_findings")) == codes_of(a.at("chain_findings")));
  CHECK(b.at("missing") == a.at("summary").at("missing"));
  const auto ra = reasons_by_record(a.at("records")), rb = reasons_by_record(b.at("records"));
  INFO("C++ per record: " << describe(ra));
  INFO("Python per record: " << describe(rb));
  CHECK(ra == rb);
  std::set<std::string> seen;
  for (const auto& [key, lists] : ra)
    for (const auto& list : lists) seen.insert(list.begin(), list.end());
  for (const auto& code : codes_of(a.at("chain_findings"))) seen.insert(code);
  CHECK(seen == expected);
  return a;
}

}  // namespace

TEST_CASE("both verifiers report the same reasons for every record, on every tamper case", "[e2e]") {
  SECTION("untouched: authentic") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    compare(c, "authentic", {});
  }
  SECTION("actions, marks and officers joining and leaving: authentic") {
    chain_scenario s("cam-1");
    s.run("boot precheck start action seg join mark seg leave stop");
    case_files c(s.first_key());
    c.put_all(s);
    const auto report = compare(c, "authentic", {});
    std::set<std::string> kinds;
    for (const auto& r : report.at("records")) kinds.insert(r.at("kind").get<std::string>());
    CHECK(kinds.contains("action"));
    CHECK(kinds.contains("mark"));
    CHECK(kinds.contains("officer"));
  }
  SECTION("encrypted segments, statements and photos (the optional last field), with a photo in the clear: "
          "authentic") {
    chain_scenario s("cam-1");
    s.run("boot precheck start eannotate eseg ephoto seg photo eseg stop");
    case_files c(s.first_key());
    c.put_all(s);
    compare(c, "authentic", {});
  }
  SECTION("flip_byte_in_plaintext_hash of an encrypted segment") {
    chain_scenario s("cam-1");
    s.run("boot precheck start eseg eseg stop");
    case_files c(s.first_key());
    c.put_all(s);
    c.put_with_plaintext_hash_flipped(s, 4);
    compare(c, "not_authentic", {"bad_signature", "prev_hash_mismatch"});
  }
  SECTION("flip_byte_in_plaintext_hash of an encrypted photo") {
    chain_scenario s("cam-1");
    s.run("boot precheck start ephoto eseg stop");
    case_files c(s.first_key());
    c.put_all(s);
    REQUIRE(s.records()[3].bytes[7] == 0x13);  // kind 19, photo (magic 4 bytes, version u16, then kind u16 big-endian)
    c.put_with_plaintext_hash_flipped(s, 3);
    compare(c, "not_authentic", {"bad_signature", "prev_hash_mismatch"});
  }
  SECTION("append_bytes_after_the_optional_field") {
    chain_scenario s("cam-1");
    s.run("boot precheck start eseg stop");
    case_files c(s.first_key());
    c.put_all(s);
    auto bytes = s.records()[3].bytes;
    bytes.insert(bytes.end() - 64, 0x00);  // one byte more inside the payload, payload_length unchanged
    c.put("3", bytes);
    compare(c, "not_authentic", {"malformed", "seq_gap"});
  }
  SECTION("interruptions and recoveries: authentic_with_gaps") {
    chain_scenario s("cam-1");
    s.run("boot start seg interrupt boot recover seg stop");
    case_files c(s.first_key());
    c.put_all(s);
    const auto report = compare(c, "authentic_with_gaps", {});
    CHECK(report.at("summary").at("documented_gaps") == 2);
  }
  SECTION("key rotation: records after key_rotate verify under the new key") {
    chain_scenario s("cam-1");
    s.run("boot start seg rotate seg seg stop");
    case_files c(s.first_key());
    c.put_all(s);
    compare(c, "authentic", {});
  }
  SECTION("remove_one_record") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    fs::remove(c.records / "3");
    compare(c, "not_authentic", {"seq_gap"});
  }
  SECTION("remove_last_records, with and without a witnessed checkpoint") {
    chain_scenario s("cam-1");
    s.run(shift);
    const auto checkpoint = s.checkpoint();  // count 7
    case_files c(s.first_key());
    c.put_all(s);
    fs::remove(c.records / "5");
    fs::remove(c.records / "6");
    compare(c, "authentic", {});
    const fs::path cp_file = c.dir / "checkpoint.bin";
    std::ofstream(cp_file, std::ios::binary)
        .write(reinterpret_cast<const char*>(checkpoint.bytes.data()),
               static_cast<std::streamsize>(checkpoint.bytes.size()));
    c.extra_args = {"--checkpoint", cp_file.string()};
    compare(c, "not_authentic", {"missing_tail"});
  }
  SECTION("swap_two_records") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    c.put("2", s.records()[4].bytes);
    c.put("4", s.records()[2].bytes);
    compare(c, "not_authentic", {"seq_mismatch"});
  }
  SECTION("flip_byte_in_payload") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    auto bytes = s.records()[3].bytes;
    const std::string name = std::get<record::segment_payload>(s.records()[3].body.body).file_name;
    auto at = std::search(bytes.begin(), bytes.end(), name.begin(), name.end());
    REQUIRE(at != bytes.end());
    *at ^= 0x01;
    c.put("3", bytes);
    compare(c, "not_authentic", {"bad_signature", "prev_hash_mismatch"});
  }
  SECTION("flip_byte_in_signature") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    auto bytes = s.records()[3].bytes;
    bytes.back() ^= 0x01;
    c.put("3", bytes);
    compare(c, "not_authentic", {"bad_signature"});
  }
  SECTION("replay_record_from_other_device") {
    chain_scenario mine("cam-1", 1);
    mine.run(shift);
    chain_scenario other("cam-2", 2);
    other.run(shift);
    case_files c(mine.first_key());
    c.put_all(mine);
    c.put("3", other.records()[3].bytes);
    compare(c, "not_authentic", {"wrong_device", "seq_gap"});
  }
  SECTION("fork_at_seq: a second, different record at seq 2 (stored as 02)") {
    chain_scenario a("cam-1");
    a.run("boot start seg seg");
    chain_scenario b("cam-1");
    b.run("boot start stop");
    case_files c(a.first_key());
    c.put_all(a);
    c.put("02", b.records()[2].bytes);
    compare(c, "not_authentic", {"fork"});
  }
  SECTION("seq_repeated: an identical copy of seq 2 (stored as 02)") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    c.put("02", s.records()[2].bytes);
    compare(c, "not_authentic", {"seq_repeated"});
  }
  SECTION("boot_counter_rollback") {
    chain_scenario s("cam-1");
    s.run("boot start seg stop boot rollback_boot seg");
    case_files c(s.first_key());
    c.put_all(s);
    compare(c, "not_authentic", {"boot_counter_backwards"});
  }
  SECTION("time going backwards within one boot") {
    chain_scenario s("cam-1");
    s.run("boot start seg seg clock_back seg");
    case_files c(s.first_key());
    c.put_all(s);
    compare(c, "not_authentic", {"time_backwards"});
  }
  SECTION("truncated_record_bytes") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    auto bytes = s.records()[3].bytes;
    bytes.resize(bytes.size() / 2);
    c.put("3", bytes);
    compare(c, "not_authentic", {"malformed", "seq_gap"});
  }
  SECTION("wrong_public_key") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(bodycam::tests::fixed_key(77).public_key());
    c.put_all(s);
    compare(c, "not_authentic", {"wrong_key"});
  }
  SECTION("an unknown record version: cannot_verify, not forged") {
    chain_scenario s("cam-1");
    s.run("boot start seg");
    case_files c(s.first_key());
    c.put_all(s);
    auto bytes = s.records()[2].bytes;
    bytes[5] = 9;  // version 9
    c.put("3", bytes);
    compare(c, "cannot_verify", {"unknown_version"});
  }
  SECTION("an excerpt that starts after seq 0: complete with --excerpt, a gap without") {
    chain_scenario s("cam-1");
    s.run(shift);
    case_files c(s.first_key());
    c.put_all(s);
    fs::remove(c.records / "0");
    fs::remove(c.records / "1");
    compare(c, "not_authentic", {"seq_gap"});
    c.extra_args = {"--excerpt"};
    compare(c, "authentic", {});
  }
  SECTION("no records at all: both cannot verify") {
    chain_scenario s("cam-1");
    case_files c(s.first_key());
    const auto cpp = bodycam::tests::run_bodycam({"verify", c.records.string(), "--key", c.key.string(), "--json"});
    const auto py = run_process({python, independent, "records", c.records.string(), c.key.string()});
    CHECK(cpp.exit_code == 3);
    CHECK(py.exit_code == 3);
  }
}
