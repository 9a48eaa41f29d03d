// End to end: the text output of `bodycam verify` and `bodycam audit` is in people's words — missing records as
// a seq range of a named device, one verdict sentence that lists every documented gap with its device, times
// and explanation, a bundle with an added file as one verdict with what to do — while --json carries the codes.
// No text line repeats an exit code (they are in --help and tools/README.md).
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"

#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct words_setup {
  temp_dir dir;
  std::string store_path = dir / "store";
  std::string clerk_key = dir / "keys/clerk-1.key";
  std::string root;  // the agency root's public key file, for bodycam audit --root
  record::session_id session;
  words_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    evidence_camera cam1(s, "cam-0001", 1);
    cam1.boot().precheck().start().annotation(record::annotation_purpose::start, "statement");
    cam1.after(std::chrono::minutes(1)).segment("first");
    cam1.interruption(record::interruption_reason::power_loss, std::chrono::seconds(30));
    cam1.annotation(record::annotation_purpose::resume, "resume");
    cam1.after(std::chrono::minutes(1)).segment("second");
    cam1.interruption(record::interruption_reason::source_gap, std::chrono::seconds(2));
    cam1.after(std::chrono::minutes(1)).segment("third").stop();
    cam1.annotation(record::annotation_purpose::stop, "stop");
    cam1.receipt(cam1.now() + std::chrono::minutes(30));
    session = cam1.session();
    evidence_camera cam2(s, "cam-0002", 2);
    bodycam::tests::record_shift(cam2, 3, std::chrono::minutes(30));
    auto keygen = run_bodycam({"keygen", "--id", "clerk-1", "--out", dir / "keys"});
    if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    bodycam::tests::test_agency agency(s, dir / "agency");  // the clerk, the cameras and the dock enrolled
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
    root = agency.root_file();
  }
};

}  // namespace

TEST_CASE("plain words: documented gaps are listed in the verdict sentence, each with device, times, why", "[e2e]") {
  words_setup t;
  for (const std::string verb : {"verify", "audit"}) {
    auto r = verb == "audit" ? run_bodycam({verb, t.store_path, "--root", t.root}) : run_bodycam({verb, t.store_path});
    INFO(verb << "\n" << r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("Authentic, with 2 documented gaps") != std::string::npos);
    // The builder's interruption starts at the camera's clock when it is recorded (08:01:00) and lasts 30 s.
    CHECK(r.out.find("  - cam-0001, 08:01:00–08:01:30 UTC on 2026-01-10 (30 s), record 5: power loss — the camera "
                     "lost power") != std::string::npos);
    CHECK(r.out.find("  - cam-0001, ") != std::string::npos);
    CHECK(r.out.find("source gap — the camera or microphone skipped frames") != std::string::npos);
    CHECK(r.out.find("(exit ") == std::string::npos);
    CHECK(r.out.find("authentic_with_gaps") == std::string::npos);  // the code is for --json
    const auto j = nlohmann::json::parse((verb == "audit" ? run_bodycam({verb, t.store_path, "--json", "--root", t.root}) : run_bodycam({verb, t.store_path, "--json"})).out);
    CHECK(j["verdict"] == "authentic_with_gaps");
  }
}

TEST_CASE("plain words: records cut from the middle are a seq range of the named device", "[e2e]") {
  words_setup t;
  for (int seq : {4, 5, 6}) REQUIRE(fs::remove(fs::path(t.store_path) / "records/cam-0002" / std::to_string(seq)));
  auto one = run_bodycam({"verify", t.store_path + "/records/cam-0002"});
  INFO(one.out << one.err);
  CHECK(one.exit_code == 2);
  CHECK(one.out.find("Records 4–6 of cam-0002 are missing.") != std::string::npos);
  CHECK(one.out.find("NOT authentic") != std::string::npos);
  const auto j = nlohmann::json::parse(run_bodycam({"verify", t.store_path + "/records/cam-0002", "--json"}).out);
  CHECK(j["summary"]["missing"] == nlohmann::json::array({nlohmann::json::array({4, 6})}));
  bool coded = false;
  for (const auto& r : j["records"])
    for (const auto& f : r["findings"]) coded = coded || (f["reason"] == "seq_gap" && r["seq"] == 7);
  CHECK(coded);
  // The whole store: the same sentence, and the receipt that covered them says so too.
  auto store = run_bodycam({"verify", t.store_path});
  INFO(store.out);
  CHECK(store.exit_code == 2);
  CHECK(store.out.find("Records 4–6 of cam-0002 are missing.") != std::string::npos);
  CHECK(store.out.find("Records 4–6 of cam-0002 are covered by receipt receipts/cam-0002.0-9") != std::string::npos);
}

TEST_CASE("plain words: a bundle with one added file gives one verdict and says what to do", "[e2e]") {
  words_setup t;
  const std::string bundle = t.dir / "bundle";
  auto e = run_bodycam({"export", t.store_path, "--out", bundle, "--session", t.session.to_hex(), "--clerk-key", t.clerk_key,
                "--department", "d", "--reference", "C-3"});
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  std::ofstream(fs::path(bundle) / "notes.txt") << "added after export\n";
  auto v = run_bodycam({"verify", bundle});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 2);
  CHECK(count_of(v.out, "NOT authentic") == 1);
  CHECK(count_of(v.out, "Authentic") == 0);  // no per-device verdict contradicting the bundle's
  CHECK(v.out.find("File notes.txt is in the bundle but not in its SHA256SUMS list") != std::string::npos);
  CHECK(v.out.find("Remove it, or ask the agency for a fresh copy of the bundle.") != std::string::npos);
  CHECK(v.out.find("(exit ") == std::string::npos);
  const auto j = nlohmann::json::parse(run_bodycam({"verify", bundle, "--json"}).out);
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["code"] == "extra_file");
  CHECK(j["findings"][0]["file"] == "notes.txt");
}

TEST_CASE("plain words: an export selection that matches nothing says what the device holds nearby", "[e2e]") {
  words_setup t;
  const std::string out = t.dir / "nothing";
  auto e = run_bodycam({"export", t.store_path, "--out", out, "--device", "cam-0001", "--from", "2025-03-01T00:00:00Z", "--to",
                "2025-03-02T00:00:00Z", "--clerk-key", t.clerk_key, "--department", "d", "--reference", "C-4"});
  INFO(e.out << e.err);
  CHECK(e.exit_code == 3);
  CHECK(e.err.find("no record matches the selection (device cam-0001 from 2025-03-01T00:00:00Z to "
                   "2025-03-02T00:00:00Z)") != std::string::npos);
  CHECK(e.err.find("cam-0001 has records from 2026-01-10T08:00:00Z to 2026-01-10T08:03:") != std::string::npos);
  CHECK(e.err.find("sessions " + t.session.to_hex().substr(0, 8) + " (2026-01-10T08:00:00Z – 2026-01-10T08:03:") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("plain words: every missing required option is named at once (exit 64)", "[e2e]") {
  temp_dir dir;
  auto e = run_bodycam({"export", (dir / "store").string(), "--out", (dir / "b").string()});
  INFO(e.out << e.err);
  CHECK(e.exit_code == 64);
  CHECK(e.err.find("bodycam export: missing --clerk-key, --department and --reference") != std::string::npos);
  auto h = run_bodycam({"retention", "hold", (dir / "store").string(), "--device", "cam-0001"});
  INFO(h.err);
  CHECK(h.exit_code == 64);
  CHECK(h.err.find("bodycam retention hold: missing --reason, --clerk-key, --department and --reference") !=
        std::string::npos);
  // One missing option keeps CLI11's own message.
  auto one = run_bodycam({"export", (dir / "store").string(), "--out", (dir / "b").string(), "--clerk-key", "k",
                  "--department", "d"});
  CHECK(one.exit_code == 64);
  CHECK(one.err.find("--reference is required") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "b"));
}

TEST_CASE("plain words: retention expire --dry-run counts files per outcome and explains each", "[e2e]") {
  words_setup t;
  auto hold = run_bodycam({"retention", "hold", t.store_path, "--reason", "evidence", "--device", "cam-0001", "--session",
                   t.session.to_hex(), "--clerk-key", t.clerk_key, "--department", "d", "--reference", "C-5"});
  INFO(hold.out << hold.err);
  REQUIRE(hold.exit_code == 0);
  auto dry = run_bodycam({"retention", "expire", t.store_path, "--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 0);
  // cam-0002: 3 segments and 2 statements, all old; cam-0001: 3 segments and 3 statements, held.
  CHECK(dry.out.find("of 11 stored media file(s):") != std::string::npos);
  CHECK(dry.out.find("due   (expire): 5 file(s)") != std::string::npos);
  CHECK(dry.out.find("young (keep_young): 0 file(s)") != std::string::npos);
  CHECK(dry.out.find("held  (keep_held): 6 file(s)") != std::string::npos);
  CHECK(dry.out.find("they stay until the hold is released") != std::string::npos);
  CHECK(dry.out.find("dry run: 5 file(s) would expire; nothing deleted") != std::string::npos);
  CHECK(dry.out.find("expire     cam-0002") == std::string::npos);  // the per-file list only with --verbose
  auto verbose = run_bodycam({"retention", "expire", t.store_path, "--dry-run", "--verbose"});
  CHECK(verbose.exit_code == 0);
  CHECK(count_of(verbose.out, "expire     cam-0002 seq ") == 5);
  CHECK(count_of(verbose.out, "keep_held  cam-0001 seq ") == 6);
}
