// End to end: the defects clerks met on `bodycam`'s command line, each a test named for it, run on a directory
// store the dock would have filled (two cameras, a dock key, a clerk key). Each asserts what must now happen
// and that the store and its registers are left as they were when a command is refused. The pure parts behind
// the fixes (output-path guard, hold scope, access outcome, verb suggestion) are tested at the end, unit tier.
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/retention/hold_scope.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/verb_suggest.hpp"

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

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::size_t entries_in(const fs::path& folder) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(folder, ec))
    if (!f.path().filename().string().starts_with(".")) ++n;
  return n;
}

struct defects_setup {
  temp_dir dir;
  std::string store_path = (dir / "store").string();
  std::string clerk_key = (dir / "keys/clerk-1.key").string();
  std::string sup_key = (dir / "keys/sup-1.key").string();
  std::string root;  // the agency root's public key file, for bodycam audit --root
  record::session_id session_1;  // cam-0001's first session
  record::session_id session_2;  // cam-0002's session
  defects_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    evidence_camera cam1(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam1, 2, std::chrono::minutes(45));
    session_1 = cam1.session();
    evidence_camera cam2(s, "cam-0002", 2);
    bodycam::tests::record_shift(cam2, 3, std::chrono::minutes(30));
    session_2 = cam2.session();
    for (const char* id : {"clerk-1", "sup-1"}) {
      auto keygen = run_bodycam({"keygen", "--id", id, "--out", (dir / "keys").string()});
      if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    }
    bodycam::tests::test_agency agency(s, dir / "agency");  // the clerk, the cameras and the dock enrolled
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
    agency.enroll_person(dir / "keys/sup-1.pub", 4);  // the second person a hold release needs
    root = agency.root_file();
  }
  std::vector<std::string> clerk_args(const std::string& reference = "CASE-1") const {
    return {"--clerk-key", clerk_key, "--department", "records unit", "--reference", reference};
  }
  std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) const {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
};

}  // namespace

TEST_CASE("an_output_flag_destroyed_evidence: no output inside a store, no overwrite without --force", "[e2e]") {
  defects_setup t;
  const fs::path record = fs::path(t.store_path) / "records/cam-0001/0";
  const std::string record_before = file_text(record);
  REQUIRE_FALSE(record_before.empty());

  SECTION("audit --html onto a signed record is refused and the record keeps its bytes") {
    auto r = run_bodycam({"audit", t.store_path, "--root", t.root, "--html", record.string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("inside the store"));
    CHECK(r.out.empty());  // refused before any work
    CHECK(file_text(record) == record_before);
    // --force does not open a store to writing either.
    CHECK(run_bodycam({"audit", t.store_path, "--root", t.root, "--html", record.string(), "--force"}).exit_code == 3);
    CHECK(file_text(record) == record_before);
  }
  SECTION("a new file inside a store, reached directly, through '..' or through a symlink, is refused") {
    fs::create_directory_symlink(t.store_path, t.dir / "alias");
    for (const std::string& target : {t.store_path + "/report.html", (t.dir / "keys/../store/records/report.html").string(),
                                      (t.dir / "alias/access/report.html").string(), (t.dir / "alias").string()}) {
      INFO(target);
      auto r = run_bodycam({"audit", t.store_path, "--root", t.root, "--html", target});
      CHECK(r.exit_code == 3);
      CHECK_THAT(r.err, Catch::Contains("inside the store"));
    }
    CHECK_FALSE(fs::exists(t.store_path + "/report.html"));
    CHECK_FALSE(fs::exists(t.store_path + "/records/report.html"));
    CHECK_FALSE(fs::exists(t.store_path + "/access/report.html"));
    CHECK(run_bodycam({"audit", t.store_path, "--root", t.root, "--catalogue", t.store_path + "/receipts/cat.db"}).exit_code == 3);
    CHECK_FALSE(fs::exists(t.store_path + "/receipts/cat.db"));
  }
  SECTION("export and copy --out inside a store are refused before any access entry") {
    auto e = run_bodycam(
        t.with({"export", t.store_path, "--out", t.store_path + "/objects/bundle", "--session", t.session_1.to_hex()},
               t.clerk_args()));
    CHECK(e.exit_code == 3);
    CHECK_THAT(e.err, Catch::Contains("inside the store"));
    auto c = run_bodycam(t.with(
        {"copy", t.store_path, "--device", "cam-0001", "--seq", "4", "--out", t.store_path + "/records/cam-0001/999"},
        t.clerk_args()));
    CHECK(c.exit_code == 3);
    CHECK_FALSE(fs::exists(t.store_path + "/records/cam-0001/999"));
    CHECK_FALSE(fs::exists(t.store_path + "/objects/bundle"));
    CHECK(entries_in(fs::path(t.store_path) / "access") == 0);
  }
  SECTION("keygen, enroll and simulate do not write into a store either") {
    auto k = run_bodycam({"keygen", "--id", "clerk-2", "--out", t.store_path + "/keys"});
    CHECK(k.exit_code == 3);
    CHECK_THAT(k.err, Catch::Contains("inside the store"));
    CHECK_FALSE(fs::exists(t.store_path + "/keys/clerk-2.key"));
    auto e = run_bodycam({"enroll", "camera", "--key", (t.dir / "keys/clerk-1.pub").string(), "--trusted-cameras-dir",
                  t.store_path + "/keys"});
    CHECK(e.exit_code == 3);
    CHECK_THAT(e.err, Catch::Contains("inside the store"));
    auto sim = run_bodycam({"simulate", "--out", t.store_path + "/records/sim"});
    CHECK(sim.exit_code == 3);
    CHECK_FALSE(fs::exists(t.store_path + "/records/sim"));
  }
  SECTION("an existing report is kept unless --force") {
    const fs::path html = t.dir / "audit.html";
    std::ofstream(html) << "an earlier report";
    auto r = run_bodycam({"audit", t.store_path, "--root", t.root, "--html", html.string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--force"));
    CHECK(file_text(html) == "an earlier report");
    auto forced = run_bodycam({"audit", t.store_path, "--root", t.root, "--html", html.string(), "--force"});
    CHECK(forced.exit_code == 0);
    CHECK(file_text(html).find("<html") != std::string::npos);
  }
}

TEST_CASE("a_hold_on_a_session_that_does_not_exist_holds_the_whole_device: every scope checked", "[e2e]") {
  defects_setup t;
  const fs::path retention = fs::path(t.store_path) / "retention";
  auto hold = [&](std::vector<std::string> scope) {
    std::vector<std::string> args{"retention", "hold", t.store_path, "--reason", "evidence"};
    args.insert(args.end(), scope.begin(), scope.end());
    return run_bodycam(t.with(args, t.clerk_args("C-9")));
  };
  SECTION("a session no record names") {
    auto r = hold({"--device", "cam-0001", "--session", std::string(32, 'a')});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("no hold placed"));
    CHECK(entries_in(retention) == 0);
  }
  SECTION("another device's session, named as that device's") {
    auto r = hold({"--device", "cam-0001", "--session", t.session_2.to_hex()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("belongs to cam-0002"));
    CHECK(entries_in(retention) == 0);
  }
  SECTION("an unknown device") {
    auto r = hold({"--device", "cam-9999", "--from", "2026-01-01T00:00:00Z"});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("cam-9999 has no records"));
    CHECK(entries_in(retention) == 0);
  }
  SECTION("a closed range that holds no file") {
    auto r = hold({"--device", "cam-0001", "--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z"});
    CHECK(r.exit_code == 3);
    CHECK(entries_in(retention) == 0);
  }
  SECTION("a real session is held, says how many files; the same hold again is refused naming the first") {
    auto r = hold({"--device", "cam-0002", "--session", t.session_2.to_hex()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    // record_shift: start + stop statements and 3 segments.
    CHECK_THAT(r.out, Catch::Contains("it holds 5 file(s)"));
    auto again = hold({"--device", "cam-0002", "--session", t.session_2.to_hex()});
    CHECK(again.exit_code == 3);
    CHECK_THAT(again.err, Catch::Contains("already held by retention/clerk-1.0"));
    CHECK(entries_in(retention) == 1);
  }
  SECTION("a signed release ends one hold; the files are then under the policy; a second release is refused") {
    REQUIRE(hold({"--device", "cam-0001", "--session", t.session_1.to_hex()}).exit_code == 0);
    auto dry = run_bodycam({"retention", "expire", t.store_path, "--dry-run"});
    CHECK_THAT(dry.out, Catch::Contains("5 file(s) would expire"));  // cam-0002's; cam-0001's are held
    // Two people (docs/formats/access-register.md §3 rule 3): clerk-1 requests, sup-1 approves, clerk-1 releases.
    auto request = [&] {
      return run_bodycam(t.with({"retention", "release", t.store_path, "--hold", "retention/clerk-1.0"}, t.clerk_args("C-9")));
    };
    auto asked = request();
    INFO(asked.out << asked.err);
    REQUIRE(asked.exit_code == 0);
    CHECK_THAT(asked.out, Catch::Contains("requested:    retention/clerk-1.1 asks to release hold retention/clerk-1.0"));
    CHECK_THAT(run_bodycam({"retention", "expire", t.store_path, "--dry-run"}).out, Catch::Contains("5 file(s) would expire"));
    REQUIRE(run_bodycam({"approve", t.store_path, "retention/clerk-1.1", "--clerk-key", t.sup_key, "--department", "d"})
                .exit_code == 0);
    auto release = [&] {
      return run_bodycam(t.with({"retention", "release", t.store_path, "--approved", "retention/clerk-1.1"}, t.clerk_args()));
    };
    auto r = release();
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("released by retention/clerk-1.2"));
    CHECK_THAT(run_bodycam({"retention", "expire", t.store_path, "--dry-run"}).out, Catch::Contains("9 file(s) would expire"));
    auto again = release();
    CHECK(again.exit_code == 3);
    CHECK_THAT(again.err, Catch::Contains("no longer in force"));
    auto again_request = request();
    CHECK(again_request.exit_code == 3);
    CHECK_THAT(again_request.err, Catch::Contains("no hold in force"));
    CHECK(run_bodycam(t.with({"retention", "release", t.store_path, "--hold", "clerk-1.7"}, t.clerk_args())).exit_code == 3);
    CHECK(entries_in(retention) == 4);  // hold, request, approval (sup-1), release
    CHECK(run_bodycam({"audit", t.store_path, "--root", t.root}).exit_code == 0);  // the register with its release still verifies
  }
  SECTION("the short session id a report shows is accepted when it is unique") {
    auto r = hold({"--device", "cam-0001", "--session", t.session_1.to_hex().substr(0, 8)});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(t.session_1.to_hex()));
    CHECK_THAT(r.out, Catch::Contains("it holds 4 file(s)"));
  }
}

TEST_CASE("a_failed_copy_is_registered_as_a_completed_access: checks first, then the outcome", "[e2e]") {
  defects_setup t;
  const fs::path access = fs::path(t.store_path) / "access";
  auto copy = [&](const std::string& out) {
    return run_bodycam(t.with({"copy", t.store_path, "--device", "cam-0001", "--seq", "4", "--out", out}, t.clerk_args("R")));
  };
  SECTION("an output folder that does not exist: refused before the access entry") {
    auto r = copy(t.dir / "no/such/dir/v.mp4");
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("does not exist"));
    CHECK(entries_in(access) == 0);
  }
  SECTION("a copy that is made is registered, then concluded as completed") {
    auto r = copy(t.dir / "v.mp4");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(entries_in(access) == 2);
    const auto audit = nlohmann::json::parse(run_bodycam({"audit", t.store_path, "--root", t.root, "--json"}).out);
    const auto entries = audit["access_register"]["entries"];
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["action"] == "playback_copy");
    CHECK(entries[0]["outcome"] == "completed");
    CHECK(audit["access_register"]["intact"] == true);
  }
  SECTION("a retrieval that fails after its access entry is concluded as failed, with the reason") {
    // The stored file no longer matches its record: the copy must not be made.
    auto records = store::open_directory_store(t.store_path, false).value();
    auto bytes =
        record::parse_signed_record(records.get_record(record::device_id::parse("cam-0001").value(), 4).value());
    const auto& sg = std::get<record::segment_payload>(bytes.value().body.body);
    const fs::path object = fs::path(t.store_path) / "objects/sha256" / sg.file_sha256.to_hex();
    fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
    std::ofstream(object, std::ios::binary | std::ios::in | std::ios::out).put('X');
    auto r = copy(t.dir / "v.mp4");
    CHECK(r.exit_code == 2);
    CHECK_FALSE(fs::exists(t.dir / "v.mp4"));
    const auto entries =
        nlohmann::json::parse(run_bodycam({"audit", t.store_path, "--root", t.root, "--json"}).out)["access_register"]["entries"];
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["outcome"].get<std::string>().starts_with("failed: "));
    CHECK_THAT(entries[0]["outcome"].get<std::string>(), Catch::Contains("does not match the record"));
  }
}

TEST_CASE("a_camera_secret_key_is_accepted_as_a_clerks: device and dock keys are refused, named", "[e2e]") {
  defects_setup t;
  // The keys the builder enrolled: cam-0001 from fixed_key(1), the dock dock-1 from fixed_key(200).
  fs::create_directories(t.dir / "shift");
  REQUIRE(crypto::write_key_pair(t.dir / "shift/cam-0001", "cam-0001", bodycam::tests::fixed_key(1)));
  REQUIRE(crypto::write_key_pair(t.dir / "shift/dock-1", "dock-1", bodycam::tests::fixed_key(200)));
  for (const auto& [key, name] : {std::pair{"cam-0001", "cam-0001"}, std::pair{"dock-1", "dock-1"}}) {
    INFO(key);
    auto e = run_bodycam({"export", t.store_path, "--out", (t.dir / "bundle").string(), "--session", t.session_1.to_hex(), "--clerk-key",
                  t.dir / ("shift/" + std::string(key) + ".key"), "--department", "d", "--reference", "r"});
    CHECK(e.exit_code == 3);
    CHECK_THAT(e.err,
               Catch::Contains(std::string("'") + name + "'") || Catch::Contains(std::string("keys/") + name + ".pub"));
    CHECK_THAT(e.err, Catch::Contains("a clerk signs with their own key"));
    CHECK_FALSE(fs::exists(t.dir / "bundle"));
  }
  CHECK(entries_in(fs::path(t.store_path) / "access") == 0);
  // A clerk's own key still works, and again after its key is enrolled by its first entry.
  for (const char* out : {"b1", "b2"}) {
    auto ok =
        run_bodycam(t.with({"export", t.store_path, "--out", t.dir / out, "--session", t.session_1.to_hex()}, t.clerk_args()));
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
  }
}

TEST_CASE("a_report_write_failure_is_reported_as_cannot_verify: its own message and exit code", "[e2e]") {
  defects_setup t;
  SECTION("a folder that does not exist is found before the audit, not after it") {
    auto r = run_bodycam({"audit", t.store_path, "--root", t.root, "--html", "/no/such/dir/a.html"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("does not exist"));
    CHECK(r.err.find("cannot verify") == std::string::npos);
  }
  SECTION("a write that fails after the audit exits 4, says so, and leaves no report") {
    const std::string html = (t.dir / "a.html").string();
    // Files may not grow past 1 block: the HTML report cannot be written (EFBIG, the signal ignored).
    auto r = run_process({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" audit \"$1\" --html \"$2\"",
                          bodycam::tests::built_program("bodycam"), t.store_path, html});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("could not be written"));
    CHECK(r.err.find("cannot verify") == std::string::npos);
    CHECK_FALSE(fs::exists(html));
  }
  SECTION("one scheme: usage errors exit 64, and every verb's --help lists the codes") {
    CHECK(run_bodycam({"audit"}).exit_code == 64);
    CHECK(run_bodycam({"export", t.store_path, "--no-such-flag"}).exit_code == 64);
    for (std::vector<std::string> verb : {std::vector<std::string>{"keygen"},
                                          {"verify"},
                                          {"simulate"},
                                          {"audit"},
                                          {"export"},
                                          {"copy"},
                                          {"retention", "hold"},
                                          {"enroll", "camera"}}) {
      verb.push_back("--help");
      auto help = run_bodycam(verb);
      INFO(verb.front());
      CHECK(help.exit_code == 0);
      CHECK_THAT(help.out, Catch::Contains("4 output could not be written, 64 command line not understood"));
    }
  }
}

TEST_CASE("frictions: verbs suggested, verbs name themselves, a .pub named, an empty folder named", "[e2e]") {
  defects_setup t;
  auto typo = run_bodycam({"audt", t.store_path});
  CHECK(typo.exit_code == 64);
  CHECK_THAT(typo.err, Catch::Contains("did you mean 'bodycam audit'"));
  CHECK_THAT(typo.err, Catch::Contains("keygen, verify"));
  auto help = run_bodycam({"help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("retention"));
  auto release = run_bodycam({"retention", "relase"});
  CHECK(release.exit_code == 64);
  CHECK_THAT(release.err, Catch::Contains("did you mean 'bodycam retention release'"));
  CHECK_THAT(release.err, Catch::Contains("verbs: hold, release, expire"));

  auto copy = run_bodycam(t.with({"copy", t.store_path, "--device", "cam-0001", "--seq", "4", "--out", (t.dir / "none/v.mp4").string()},
                         t.clerk_args()));
  CHECK_THAT(copy.err, Catch::StartsWith("bodycam copy: "));

  auto pub = run_bodycam({"export", t.store_path, "--out", (t.dir / "b").string(), "--session", t.session_1.to_hex(), "--clerk-key",
                  (t.dir / "keys/clerk-1.pub").string(), "--department", "d", "--reference", "r"});
  CHECK(pub.exit_code == 3);
  CHECK_THAT(pub.err, Catch::Contains("is a public key"));
  CHECK(pub.err.find("chmod") == std::string::npos);

  fs::create_directory(t.dir / "empty");
  auto empty = run_bodycam({"verify", (t.dir / "empty").string()});
  CHECK(empty.exit_code == 3);
  CHECK_THAT(empty.err, Catch::Contains("holds no records"));
  CHECK(empty.err.find("--key") == std::string::npos);
}

TEST_CASE("reports_show_short_session_ids_that_session_refuses: export takes a unique start of the id", "[e2e]") {
  defects_setup t;
  const std::string short_id = t.session_1.to_hex().substr(0, 8);
  auto e = run_bodycam(t.with({"export", t.store_path, "--out", (t.dir / "bundle").string(), "--session", short_id}, t.clerk_args()));
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  CHECK(run_bodycam({"verify", (t.dir / "bundle").string()}).exit_code == 0);
  auto none = run_bodycam(t.with({"export", t.store_path, "--out", (t.dir / "none").string(), "--session", "0123abcd"}, t.clerk_args()));
  CHECK(none.exit_code == 3);
  CHECK_THAT(none.err, Catch::Contains("no session of this store starts with it"));
  auto junk = run_bodycam(t.with({"export", t.store_path, "--out", (t.dir / "junk").string(), "--session", "f835-6a6d"}, t.clerk_args()));
  CHECK(junk.exit_code == 3);
  CHECK(entries_in(fs::path(t.store_path) / "access") == 2);  // the one export and its outcome; refusals wrote nothing
}

// Friction 17: long operations show progress on a terminal (stderr), nothing when not a terminal, --quiet to
// silence. The terminal is a real pseudo-terminal, made by util-linux's `script`.
TEST_CASE("progress_on_terminal: audit and export show progress on a terminal; pipes and --quiet see none",
          "[e2e]") {
  defects_setup t;
  using bodycam::tests::shell_quote;
  const std::string bodycam = shell_quote(bodycam::tests::built_program("bodycam"));
  auto on_terminal = [&](const std::string& command) {
    // script runs the command with a pty as its stdin, stdout and stderr; what the terminal showed comes back.
    return run_process({"script", "-qec", command + " > /dev/null", "/dev/null"});
  };
  const std::string audit = bodycam + " audit " + shell_quote(t.store_path) + " --root " + shell_quote(t.root);
  auto shown = on_terminal(audit);
  INFO(shown.out << shown.err);
  CHECK(shown.out.find("bodycam audit: device 1/2 (cam-0001), ") != std::string::npos);
  CHECK(shown.out.find("\r\033[K") != std::string::npos);  // drawn in place, and cleared at the end
  auto quiet = on_terminal(audit + " --quiet");
  CHECK(quiet.out.find("bodycam audit: device") == std::string::npos);
  auto piped = run_bodycam({"audit", t.store_path, "--root", t.root});
  CHECK(piped.err.find("bodycam audit: device") == std::string::npos);
  CHECK(piped.exit_code == quiet.exit_code);

  const std::string exported =
      bodycam + " export " + shell_quote(t.store_path) + " --session " + t.session_2.to_hex() +
      " --clerk-key " + shell_quote(t.clerk_key) + " --department d --reference R-1 --out ";
  auto export_shown = on_terminal(exported + shell_quote((t.dir / "b1").string()));
  INFO(export_shown.out);
  CHECK(export_shown.out.find("bodycam export: 1/") != std::string::npos);
  CHECK(export_shown.out.find(" files copied and re-hashed, ") != std::string::npos);
  CHECK(fs::exists(t.dir / "b1/SHA256SUMS"));
  auto export_quiet = on_terminal(exported + shell_quote((t.dir / "b2").string()) + " --quiet");
  CHECK(export_quiet.out.find("bodycam export: 1/") == std::string::npos);
  CHECK(fs::exists(t.dir / "b2/SHA256SUMS"));
}

// ---- the pure parts behind the fixes, without processes ----

TEST_CASE("check_output_path: a store is found by its layout, from the path or any parent, through symlinks") {
  using namespace bodycam::tools::verbs;
  temp_dir dir;
  const fs::path store_root = dir / "store";
  fs::create_directories(store_root / "objects/sha256");
  fs::create_directories(store_root / "records/cam-0001");
  CHECK(has_store_layout(store_root));  // the folders alone, even without store.json
  CHECK_FALSE(has_store_layout(dir.path()));
  fs::create_directories(dir / "out");
  fs::create_directory_symlink(store_root / "records", dir / "out/link");
  CHECK(enclosing_store(store_root / "records/cam-0001/0") == fs::weakly_canonical(store_root));
  CHECK(enclosing_store(dir / "out/link/x.html").has_value());
  CHECK(enclosing_store(dir / "out/../store/new/deeper/x.html").has_value());
  CHECK_FALSE(enclosing_store(dir / "out/x.html").has_value());

  CHECK(check_output_path(dir / "out/link/x.html", "--html", replace_policy::allow).error().code ==
        core::errc::invalid_argument);
  CHECK(check_output_path(dir / "out/x.html", "--html", replace_policy::never));
  CHECK(check_output_path(dir / "nowhere/x.html", "--html", replace_policy::never).error().code ==
        core::errc::not_found);
  std::ofstream(dir / "out/x.html") << "kept";
  CHECK(check_output_path(dir / "out/x.html", "--html", replace_policy::never).error().code ==
        core::errc::already_exists);
  const auto forced_hint = check_output_path(dir / "out/x.html", "--html", replace_policy::unless_forced);
  REQUIRE_FALSE(forced_hint);
  CHECK_THAT(forced_hint.error().context, Catch::Contains("--force"));
  CHECK(check_output_path(dir / "out/x.html", "--html", replace_policy::allow));
  // A folder is never replaced, --force or not.
  CHECK_FALSE(check_output_path(dir / "out", "--out", replace_policy::allow));
}

TEST_CASE("check_hold_scope: unknown device, unknown or foreign session, empty range, repeated hold") {
  using namespace bodycam::tools::retention;
  const auto cam1 = record::device_id::parse("cam-1").value();
  const auto cam2 = record::device_id::parse("cam-2").value();
  const auto s1 = record::session_id::parse(std::string(31, '0') + "1").value();
  const auto s2 = record::session_id::parse(std::string(31, '0') + "2").value();
  const record::utc_time t0{std::chrono::hours(1000)};
  const std::vector<record::device_id> devices{cam1, cam2};
  const std::vector<known_session> sessions{{cam1, s1}, {cam2, s2}};
  const std::vector<media_item> items{{cam1, s1, 3, "a.mp4", {}, 10, t0},
                                      {cam1, s1, 4, "b.mp4", {}, 20, t0 + std::chrono::minutes(1)},
                                      {cam2, s2, 3, "c.mp4", {}, 40, t0}};
  auto check = [&](hold h, std::vector<hold> in_force = {}) {
    return check_hold_scope(h, devices, sessions, items, in_force);
  };
  const auto ok = check({"", "evidence", cam1, s1, {}, {}});
  REQUIRE(ok);
  CHECK(ok->files == 2);
  CHECK(ok->bytes == 30);
  CHECK(check({"", "evidence", record::device_id::parse("cam-9").value(), s1, {}, {}}).error().code ==
        core::errc::not_found);
  const auto foreign = check({"", "evidence", cam1, s2, {}, {}});
  REQUIRE_FALSE(foreign);
  CHECK_THAT(foreign.error().context, Catch::Contains("belongs to cam-2"));
  const auto unknown = record::session_id::parse(std::string(31, '0') + "7").value();
  CHECK(check({"", "evidence", cam1, unknown, {}, {}}).error().code == core::errc::not_found);
  CHECK(check({"", "evidence", cam1, {}, t0 - std::chrono::hours(9), t0 - std::chrono::hours(8)}).error().code ==
        core::errc::not_found);
  CHECK(check({"", "evidence", cam1, {}, t0 + std::chrono::hours(9), {}})->files == 0);  // open range: ahead
  const auto again =
      check({"", "complaint", cam1, s1, {}, {}}, {{"retention/clerk-1.0", "evidence", cam1, s1, {}, {}}});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == core::errc::already_exists);
  CHECK_THAT(again.error().context, Catch::Contains("retention/clerk-1.0"));

  CHECK(resolve_session_prefix("0000", sessions, std::nullopt).error().code == core::errc::invalid_argument);
  CHECK(resolve_session_prefix("0000", sessions, cam2).value() == s2);
  CHECK(resolve_session_prefix(std::string(31, '0') + "1", sessions, std::nullopt).value() == s1);
  CHECK(resolve_session_prefix("zz", sessions, std::nullopt).error().code == core::errc::invalid_argument);
}

TEST_CASE("access outcomes: one action text each way; other actions are not outcomes") {
  using namespace bodycam::tools::registers;
  CHECK(outcome_action({"clerk-1.4", true, {}}) == "completed clerk-1.4");
  CHECK(outcome_action({"clerk-1.4", false, "create /x: No such file"}) == "failed clerk-1.4: create /x: No such file");
  const auto failed = parse_outcome_action("failed clerk-1.4: create /x: No such file");
  REQUIRE(failed);
  CHECK(failed->concludes == "clerk-1.4");
  CHECK_FALSE(failed->completed);
  CHECK(failed->reason == "create /x: No such file");
  CHECK(parse_outcome_action("completed clerk-1.4")->completed);
  CHECK_FALSE(parse_outcome_action("playback_copy"));
  CHECK_FALSE(parse_outcome_action("export"));
  CHECK_FALSE(parse_outcome_action("completed clerk-1"));  // no seq
  CHECK_FALSE(parse_outcome_action("failed clerk-1.4"));   // no reason
}

TEST_CASE("nearest_verb: typos find their verb, strangers find none") {
  using namespace bodycam::tools::verbs;
  const std::vector<std::string> verbs{"keygen", "verify", "simulate", "enroll",
                                       "audit",  "export", "copy",     "retention"};
  CHECK(nearest_verb("audt", verbs) == "audit");
  CHECK(nearest_verb("aduit", verbs) == "audit");  // two letters swapped
  CHECK(nearest_verb("exprot", verbs) == "export");
  CHECK(nearest_verb("ret", verbs) == "retention");
  CHECK_FALSE(nearest_verb("help", verbs));
  CHECK_FALSE(nearest_verb("zzzzzz", verbs));
  CHECK(verb_distance("release", "release") == 0);
  CHECK(verb_distance("ab", "ba") == 1);
}
