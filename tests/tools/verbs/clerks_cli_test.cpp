// End to end: `bodycam audit`, `export`, `verify BUNDLE` and `retention` as a clerk runs them on a directory
// store the dock would have filled, and the HTML report drawn by headless Chromium (Debian's chromium).
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/audit/render.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

struct clerk_setup {
  temp_dir dir;
  std::string store_path = dir / "store";
  std::string clerk_key = dir / "keys/clerk-1.key";
  std::string sup_key = dir / "keys/sup-1.key";
  std::string root;  // the agency root's public key file, for bodycam audit --root
  record::session_id old_session;
  record::session_id recent_session;
  clerk_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    evidence_camera cam(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(45));  // January 2026: past retention
    old_session = cam.session();
    // The second shift two days ago: young, kept by the policy.
    cam.at(std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()) -
           std::chrono::days(2));
    cam.boot().start().annotation(record::annotation_purpose::start, "statement");
    cam.after(std::chrono::minutes(1)).segment("after the power cut");
    cam.interruption(record::interruption_reason::power_loss, std::chrono::seconds(30));
    cam.after(std::chrono::minutes(1)).segment("resumed").stop();
    cam.annotation(record::annotation_purpose::stop, "stop");
    cam.receipt(cam.now() + std::chrono::minutes(30));
    recent_session = cam.session();
    for (const char* id : {"clerk-1", "sup-1"}) {
      auto keygen = run_bodycam({"keygen", "--id", id, "--out", dir / "keys"});
      if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    }
    bodycam::tests::test_agency agency(s, dir / "agency");  // the clerk, the camera and the dock enrolled
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
    agency.enroll_person(dir / "keys/sup-1.pub", 4);  // the second person an expiry needs
    root = agency.root_file();
  }
};

}  // namespace

TEST_CASE("bodycam audit: text, JSON, HTML and the catalogue of a store; exit as the verifier's", "[e2e]") {
  clerk_setup t;
  auto text = run_bodycam({"audit", t.store_path, "--root", t.root, "--html", t.dir / "audit.html", "--catalogue", t.dir / "catalogue.db"});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 1);  // the power cut is a documented gap
  CHECK(text.out.find("power_loss") != std::string::npos);
  CHECK(text.out.find("resume statement MISSING") != std::string::npos);
  CHECK(fs::exists(t.dir / "audit.html"));
  CHECK(fs::exists(t.dir / "catalogue.db"));
  auto json = run_bodycam({"audit", t.store_path, "--root", t.root, "--json", "--sample", "1/3"});
  REQUIRE(json.exit_code == 1);
  auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed["verdict"] == "authentic_with_gaps");
  CHECK(parsed["sample"] == "1/3");
  CHECK(parsed["devices"][0]["sessions"].size() == 2);
  SECTION("a corrupt catalogue is refused with exit 3 and left as it was") {
    std::ofstream(t.dir / "bad.db") << "garbage";
    auto r = run_bodycam({"audit", t.store_path, "--root", t.root, "--catalogue", t.dir / "bad.db"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("not overwritten") != std::string::npos);
  }
  SECTION("a store with a half-written object: its temp file is not an object, the audit still answers") {
    std::ofstream(t.dir / "store/objects/sha256/.tmp-0000000000000001") << "half";
    CHECK(run_bodycam({"audit", t.store_path, "--root", t.root}).exit_code == 1);
  }
  SECTION("verify of the whole store needs no key flags") {
    auto v = run_bodycam({"verify", t.store_path});
    CHECK(v.exit_code == 1);
    CHECK(v.out.find("Authentic, with 1 documented gap") != std::string::npos);
    CHECK(v.out.find("power loss — the camera lost power") != std::string::npos);
    CHECK(nlohmann::json::parse(run_bodycam({"verify", t.store_path, "--json"}).out)["verdict"] == "authentic_with_gaps");
    auto one = run_bodycam({"verify", t.store_path + "/records/cam-0001"});
    CHECK(one.exit_code == 1);
  }
  SECTION("not a store: exit 3") { CHECK(run_bodycam({"audit", t.dir / "keys"}).exit_code == 3); }
}

TEST_CASE("bodycam export then bodycam verify BUNDLE, offline; a tampered bundle exits 2", "[e2e]") {
  clerk_setup t;
  const std::string bundle_dir = t.dir / "bundle";
  auto e = run_bodycam({"export", t.store_path, "--out", bundle_dir, "--session", t.old_session.to_hex(), "--clerk-key",
                t.clerk_key, "--department", "records unit", "--reference", "CASE-1"});
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  CHECK(e.out.find("access entry: access/clerk-1.0") != std::string::npos);
  CHECK(e.out.find("outcome:      access/clerk-1.1") != std::string::npos);
  auto v = run_bodycam({"verify", bundle_dir});
  INFO(v.out);
  CHECK(v.exit_code == 0);
  auto vj = run_bodycam({"verify", bundle_dir, "--json"});
  CHECK(nlohmann::json::parse(vj.out)["verdict"] == "authentic");
  SECTION("a gap exported is authentic with documented gaps (exit 1)") {
    auto g = run_bodycam({"export", t.store_path, "--out", t.dir / "gap", "--session", t.recent_session.to_hex(), "--clerk-key",
                  t.clerk_key, "--department", "records unit", "--reference", "CASE-2"});
    REQUIRE(g.exit_code == 0);
    CHECK(run_bodycam({"verify", t.dir / "gap"}).exit_code == 1);
  }
  SECTION("flip_byte_in_segment: exit 2 naming the file") {
    for (const auto& f : fs::directory_iterator(fs::path(bundle_dir) / "files/cam-0001"))
      if (f.path().extension() == ".mp4") {
        fs::permissions(f.path(), fs::perms::owner_write, fs::perm_options::add);
        std::fstream io(f.path(), std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(0);
        io.put('X');
        io.close();
        auto r = run_bodycam({"verify", bundle_dir});
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("[file files/cam-0001/" + f.path().filename().string() + "]") != std::string::npos);
        break;
      }
  }
  SECTION("bodycam copy: a playback copy is registered first, then the file is copied bit for bit") {
    const std::string copy = t.dir / "seg.mp4";
    auto c = run_bodycam({"copy", t.store_path, "--device", "cam-0001", "--seq", "4", "--out", copy, "--clerk-key", t.clerk_key,
                  "--department", "records unit", "--reference", "REQ-9"});
    INFO(c.out << c.err);
    REQUIRE(c.exit_code == 0);
    CHECK(c.out.find("access entry: access/clerk-1.2") != std::string::npos);  // after the export and its outcome
    const std::string bytes = bodycam::tests::slurp(copy);
    CHECK(bytes.find("cam-0001 segment 4") == 0);
    auto audit = run_bodycam({"audit", t.store_path, "--root", t.root, "--json"});
    const auto entries = nlohmann::json::parse(audit.out)["access_register"]["entries"];
    REQUIRE(entries.size() == 2);  // outcomes are shown on the entry they conclude
    CHECK(entries[0]["action"] == "export");
    CHECK(entries[0]["outcome"] == "completed");
    CHECK(entries[1]["action"] == "playback_copy");
    CHECK(entries[1]["reference"] == "REQ-9");
    // Again to the same file: refused, nothing overwritten; a record that names no file: refused.
    CHECK(run_bodycam({"copy", t.store_path, "--device", "cam-0001", "--seq", "4", "--out", copy, "--clerk-key", t.clerk_key,
               "--department", "d", "--reference", "r"})
              .exit_code == 3);
    CHECK(run_bodycam({"copy", t.store_path, "--device", "cam-0001", "--seq", "0", "--out", t.dir / "boot", "--clerk-key",
               t.clerk_key, "--department", "d", "--reference", "r"})
              .exit_code == 3);
  }
  SECTION("a bundle whose SHA256SUMS was removed cannot be verified (exit 3), saying why") {
    fs::remove(fs::path(bundle_dir) / "SHA256SUMS");
    auto r = run_bodycam({"verify", bundle_dir});
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("This folder cannot be checked as a bundle") != std::string::npos);
    auto j = nlohmann::json::parse(run_bodycam({"verify", bundle_dir, "--json"}).out);
    CHECK(j["findings"][0]["code"] == "bundle_unreadable");
  }
  SECTION("usage errors exit 3 and write no access entry") {
    CHECK(run_bodycam({"export", t.store_path, "--out", t.dir / "x", "--clerk-key", t.clerk_key, "--department", "d",
               "--reference", "r"})
              .exit_code == 3);
    CHECK(run_bodycam({"export", t.store_path, "--out", t.dir / "x", "--device", "cam-0001", "--from", "yesterday", "--to",
               "2026-01-01T00:00:00Z", "--clerk-key", t.clerk_key, "--department", "d", "--reference", "r"})
              .exit_code == 3);
    CHECK_FALSE(fs::exists(t.store_path + "/access/clerk-1.2"));
  }
}

TEST_CASE("bodycam retention: dry run, hold, expire; held and young media stay, records stay", "[e2e]") {
  clerk_setup t;
  auto dry = run_bodycam({"retention", "expire", t.store_path, "--dry-run"});
  INFO(dry.out << dry.err);
  REQUIRE(dry.exit_code == 0);
  CHECK(dry.out.find("dry run: 4 file(s) would expire; nothing deleted") != std::string::npos);
  std::size_t objects_before = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(t.store_path + "/objects/sha256")) ++objects_before;

  SECTION("a hold on the old session keeps it; nothing else is old enough") {
    auto hold = run_bodycam({"retention", "hold", t.store_path, "--reason", "evidence", "--device", "cam-0001", "--session",
                     t.old_session.to_hex(), "--clerk-key", t.clerk_key, "--department", "d", "--reference", "C-9"});
    REQUIRE(hold.exit_code == 0);
    auto expire = run_bodycam({"retention", "expire", t.store_path, "--clerk-key", t.clerk_key, "--department", "d",
                       "--reference", "policy"});
    CHECK(expire.exit_code == 0);
    CHECK(expire.out.find("keep_held") != std::string::npos);
    CHECK(expire.out.find("nothing to do") != std::string::npos);
    std::size_t objects_after = 0;
    for ([[maybe_unused]] const auto& f : fs::directory_iterator(t.store_path + "/objects/sha256")) ++objects_after;
    CHECK(objects_after == objects_before);
  }
  SECTION("expiry writes the signed event, deletes only old media, and the audit says expired under policy") {
    // Two people (docs/formats/access-register.md §3 rule 6): the clerk requests, a supervisor approves.
    REQUIRE(run_bodycam({"retention", "expire", t.store_path, "--request", "--clerk-key", t.clerk_key, "--department", "d",
                 "--reference", "policy"})
                .exit_code == 0);
    REQUIRE(run_bodycam({"approve", t.store_path, "retention/clerk-1.0", "--clerk-key", t.sup_key, "--department", "d"})
                .exit_code == 0);
    auto expire = run_bodycam({"retention", "expire", t.store_path, "--approved", "retention/clerk-1.0", "--clerk-key",
                       t.clerk_key, "--department", "d", "--reference", "policy"});
    INFO(expire.out << expire.err);
    REQUIRE(expire.exit_code == 0);
    CHECK(expire.out.find("expired 4 file(s) under retention/clerk-1.1") != std::string::npos);
    std::size_t objects_after = 0;
    for ([[maybe_unused]] const auto& f : fs::directory_iterator(t.store_path + "/objects/sha256")) ++objects_after;
    CHECK(objects_after == objects_before - 4);
    auto audit = run_bodycam({"audit", t.store_path, "--root", t.root});
    CHECK(audit.exit_code == 1);
    CHECK(audit.out.find("(expired under policy)") != std::string::npos);
    CHECK(audit.out.find("object_missing") == std::string::npos);
    CHECK(run_bodycam({"verify", t.store_path}).exit_code == 1);  // every record is still there
    // An export of the expired session still verifies, with the expiry as a documented gap.
    auto e = run_bodycam({"export", t.store_path, "--out", t.dir / "old", "--session", t.old_session.to_hex(), "--clerk-key",
                  t.clerk_key, "--department", "d", "--reference", "C-10"});
    REQUIRE(e.exit_code == 0);
    auto v = run_bodycam({"verify", t.dir / "old"});
    CHECK(v.exit_code == 1);
    CHECK(v.out.find("was deleted under the retention policy before the export") != std::string::npos);
    bool expiry_coded = false;
    const auto old_json = nlohmann::json::parse(run_bodycam({"verify", t.dir / "old", "--json"}).out);
    for (const auto& f : old_json["findings"])
      expiry_coded = expiry_coded || f["code"] == "expired_under_policy";
    CHECK(expiry_coded);
  }
  SECTION("a retention shorter than six months is refused") {
    CHECK(run_bodycam({"retention", "expire", t.store_path, "--days", "30", "--dry-run"}).exit_code == 3);
  }
}

TEST_CASE("the HTML report draws the timeline: headless Chromium screenshot shows recording and gap bars", "[e2e]") {
  clerk_setup t;
  const std::string html = t.dir / "audit.html";
  REQUIRE(run_bodycam({"audit", t.store_path, "--root", t.root, "--html", html}).exit_code == 1);
  const std::string png = t.dir / "shot.png";
  auto shot = run_process(
      {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + (t.dir / "chromium").string(), "--screenshot=" + png, "--window-size=1200,800", "file://" + html},
      std::chrono::seconds(90));
  INFO(shot.err);
  REQUIRE(fs::exists(png));
  // Count pixels of each timeline colour inside the chart area (x 170..940) of the first screen.
  const std::string script =
      "import sys\nfrom PIL import Image\nim=Image.open(sys.argv[1]).convert('RGB')\nw,h=im.size\n"
      "def count(c):\n  n=0\n  for y in range(0,min(h,800),2):\n    for x in range(170,min(w,940),2):\n"
      "      p=im.getpixel((x,y))\n      n+=all(abs(p[i]-c[i])<=3 for i in range(3))\n  return n\n"
      "print(count((0x1b,0x9e,0x3e)), count((0xd6,0x27,0x28)), count((0x1f,0x5f,0xd6)))\n";
  auto pixels = run_process({"/usr/bin/python3", "-c", script, png});
  INFO(pixels.err);
  REQUIRE(pixels.exit_code == 0);
  int recording = 0, gap = 0, statement = 0;
  std::istringstream(pixels.out) >> recording >> gap >> statement;
  CHECK(recording > 50);  // two sessions' recording bars
  CHECK(gap > 5);         // the power-cut gap
  CHECK(statement > 5);   // statement markers
}
