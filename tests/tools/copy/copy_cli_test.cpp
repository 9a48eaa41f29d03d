// [e2e] `bodycam copy STORE --session ID` as a clerk runs it on a store holding a session the camera's own
// pipeline recorded, `--check` on the copy (untouched, flip_byte_in_copy, remove_one_segment), and headless
// Chromium (Debian's /usr/bin/chromium) loading the copy in a <video>, seeking near its end and reporting
// currentTime and readyState through the DOM.
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/copy/recorded_footage.hpp"
#include "tests/tools/test_agency.hpp"

#include <fstream>
#include <regex>

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::run_bodycam;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;

namespace {

struct clerk_store {
  temp_dir dir;
  std::string store_path = dir / "store";
  std::string clerk_key = dir / "keys/clerk-1.key";
  std::vector<fs::path> files;
  std::string session;
  clerk_store() {
    auto s = store::open_directory_store(store_path, true).value();
    bodycam::tests::evidence_camera cam(s, "cam-0001", 1);
    fs::create_directories(dir / "footage");
    files = bodycam::tests::record_segments(dir / "footage", 3);
    bodycam::tests::store_session(cam, files);
    session = cam.session().to_hex();
    auto keygen = run_bodycam({"keygen", "--id", "clerk-1", "--out", dir / "keys"});
    if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    bodycam::tests::test_agency agency(s, dir / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
  }
  bodycam::tests::process_result copy(const fs::path& out, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"copy",         store_path,     "--session",   session.substr(0, 8),
                                  "--out",        out.string(),   "--clerk-key", clerk_key,
                                  "--department", "records unit", "--reference", "FOI-7"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_bodycam(args);
  }
};

void flip_middle_byte(const fs::path& file) {
  fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(fs::file_size(file) / 2);
  io.seekg(middle);
  const int c = io.get();
  io.seekp(middle);
  io.put(static_cast<char>(c ^ 0x01));
}

}  // namespace

TEST_CASE("bodycam copy --session: one MP4 and its signed manifest; --check catches a flipped byte", "[e2e]") {
  clerk_store t;
  const fs::path out = t.dir / "session.mp4";
  auto c = t.copy(out);
  INFO(c.out << c.err);
  REQUIRE(c.exit_code == 0);
  CHECK(c.out.find("access entry: access/clerk-1.0") != std::string::npos);
  CHECK(c.out.find("outcome:      access/clerk-1.1") != std::string::npos);
  CHECK(fs::exists(out.string() + ".manifest.json"));
  auto ok = run_bodycam({"copy", t.store_path, "--check", out.string()});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find(std::to_string(t.files.size()) + " checked in the store") != std::string::npos);
  SECTION("an existing output is refused before any entry (exit 3)") {
    CHECK(t.copy(out).exit_code == 3);
    auto store = store::open_directory_store(t.store_path, false).value();
    CHECK(store.list_entries(store::entry_namespace::access).value().size() == 2);
  }
  SECTION("flip_byte_in_copy: exit 2") {
    flip_middle_byte(out);
    auto bad = run_bodycam({"copy", t.store_path, "--check", out.string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("DOES NOT MATCH") != std::string::npos);
  }
  SECTION("a command line that mixes the two kinds of copy is not understood (exit 64)") {
    CHECK(t.copy(t.dir / "x.mp4", {"--device", "cam-0001", "--seq", "3"}).exit_code == 64);
  }
}

TEST_CASE("bodycam copy --session: remove_one_segment is refused naming it; --allow-gaps lists the gap", "[e2e]") {
  clerk_store t;
  const auto digest = crypto::sha256(std::string_view(bodycam::tests::slurp(t.files.at(1))));
  REQUIRE(fs::remove(fs::path(t.store_path) / "objects/sha256" / digest.to_hex()));
  auto refused = t.copy(t.dir / "a.mp4");
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("segment 1 (record") != std::string::npos);
  CHECK(refused.err.find("objects/sha256/" + digest.to_hex()) != std::string::npos);
  CHECK_FALSE(fs::exists(t.dir / "a.mp4"));
  auto gaps = t.copy(t.dir / "b.mp4", {"--allow-gaps"});
  INFO(gaps.out << gaps.err);
  CHECK(gaps.exit_code == 1);
  CHECK(gaps.out.find("gap:          segment 1") != std::string::npos);
  CHECK(run_bodycam({"copy", t.store_path, "--check", (t.dir / "b.mp4").string()}).exit_code == 1);
}

TEST_CASE("headless Chromium plays the copy and seeks to near its end", "[e2e]") {
  REQUIRE(fs::exists("/usr/bin/chromium"));  // scripts/install-deps installs it; without it this fails
  clerk_store t;
  const fs::path out = t.dir / "session.mp4";
  REQUIRE(t.copy(out).exit_code == 0);
  const fs::path page = t.dir / "play.html";
  bodycam::tests::write_text(
      page,
      "<!doctype html><html><body><video id=\"v\" src=\"session.mp4\" preload=\"auto\" muted></video>"
      "<pre id=\"out\">pending</pre><script>\n"
      "const v=document.getElementById('v'), out=document.getElementById('out');\n"
      "v.addEventListener('loadedmetadata',()=>{out.textContent='loaded duration='+v.duration;"
      " v.currentTime=v.duration-0.5;});\n"
      "v.addEventListener('seeked',()=>{out.textContent='seeked currentTime='+v.currentTime+' readyState='"
      "+v.readyState+' duration='+v.duration;});\n"
      "v.addEventListener('error',()=>{out.textContent='error '+(v.error?v.error.code:'?');});\n"
      "</script></body></html>\n");
  auto dom = run_process(
      {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
       "--disable-component-update", "--no-first-run", "--user-data-dir=" + (t.dir / "chromium").string(),
       "--virtual-time-budget=15000", "--dump-dom", "file://" + page.string()},
      std::chrono::seconds(90));
  INFO(dom.err.substr(0, 2000));
  REQUIRE(dom.exit_code == 0);
  std::smatch m;
  const std::regex seeked("seeked currentTime=([0-9.]+) readyState=([0-9]) duration=([0-9.]+)");
  INFO(dom.out.substr(0, 4000));
  REQUIRE(std::regex_search(dom.out, m, seeked));
  const double current = std::stod(m[1]), duration = std::stod(m[3]);
  const int ready = std::stoi(m[2]);
  // The copy's own length as ffprobe reads it (the integration tests compare it with the segments').
  auto p = run_process(
      {"/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", out.string()});
  REQUIRE(p.exit_code == 0);
  const double total = std::stod(p.out);
  CHECK(total > 2 * static_cast<double>(t.files.size() - 1) - 0.5);
  CHECK(std::abs(duration - total) <= 2 * bodycam::tests::footage_frame_seconds);
  CHECK(current >= duration - 0.6);
  CHECK(current <= duration);
  CHECK(ready >= 2);  // HAVE_CURRENT_DATA: the frame near the end was decoded
}
