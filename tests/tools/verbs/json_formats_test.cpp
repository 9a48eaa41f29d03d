// End to end: every `--json` document of `bodycam audit` and `bodycam verify` names its format and version, and
// its keys are the ones docs/formats/json-reports.md lists. Each document's key skeleton (every key path, array
// elements merged as `[]`) is compared with a golden file in tests/tools/verbs/golden/<format>.keys; a change
// to a format must change its golden file and its documentation (and its version when a key goes away).
// BODYCAM_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"

#include <cstdlib>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

void skeleton(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      out.insert(path);
      skeleton(value, path, out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) skeleton(e, prefix + "[]", out);
  }
}

// Record payloads are specified in docs/formats/chain.md and "kinds" maps record kinds to counts (data, not
// keys): the golden files stop at "payload" and "kinds".
std::string skeleton_text(const nlohmann::json& j) {
  std::set<std::string> keys;
  skeleton(j, "", keys);
  std::string out;
  for (const auto& k : keys)
    if (k.find(".payload.") == std::string::npos && k.find(".kinds.") == std::string::npos) out += k + "\n";
  return out;
}

void check_golden(const nlohmann::json& j, const std::string& format) {
  REQUIRE(j.contains("format"));
  CHECK(j.at("format") == format);
  CHECK(j.at("version") == 1);
  const fs::path golden = fs::path(BODYCAM_SOURCE_DIR) / "tests/tools/verbs/golden" / (format + ".keys");
  const std::string actual = skeleton_text(j);
  if (const char* update = std::getenv("BODYCAM_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary | std::ios::trunc) << actual;
    WARN("rewrote " << golden.string());
    return;
  }
  std::ifstream in(golden, std::ios::binary);
  REQUIRE(in.good());
  const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(golden.string());
  CHECK(actual == expected);
}

struct json_setup {
  temp_dir dir;
  std::string store_path = dir / "store";
  std::string clerk_key = dir / "keys/clerk-1.key";
  std::string root;  // the agency root's public key file, for bodycam audit --root
  record::session_id session;
  std::uint64_t hold_from_ms = 0;
  json_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    evidence_camera cam(s, "cam-0001", 1);
    cam.boot().precheck(true).start().annotation(record::annotation_purpose::start, "statement");
    cam.action("seizure", "CASE-2026-0042").officer("officer-9", record::officer_change::join);
    cam.after(std::chrono::minutes(1)).segment("first");
    cam.place({{}, record::place_trigger::segment, record::fix_quality::fix_3d, 481'372'000, 115'755'000, 519'000, true,
               4'200, cam.now(), ""});
    cam.mark("keys handed over").officer("officer-9", record::officer_change::leave);
    cam.interruption(record::interruption_reason::power_loss, std::chrono::seconds(30));
    cam.annotation(record::annotation_purpose::resume, "resume");
    cam.after(std::chrono::minutes(1)).segment("second").stop();
    cam.annotation(record::annotation_purpose::stop, "stop");
    cam.receipt(cam.now() + std::chrono::minutes(30));
    session = cam.session();
    evidence_camera cam2(s, "cam-0002", 2);
    bodycam::tests::record_shift(cam2, 2, std::chrono::minutes(30));
    auto keygen = run_bodycam({"keygen", "--id", "clerk-1", "--out", dir / "keys"});
    if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    bodycam::tests::test_agency agency(s, dir / "agency");  // the clerk, the cameras and the dock enrolled
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
    root = agency.root_file();
    // An open-ended hold: from a time, until released.
    auto hold = run_bodycam({"retention", "hold", store_path, "--reason", "complaint", "--device", "cam-0002", "--from",
                     "2026-01-10T08:00:00Z", "--clerk-key", clerk_key, "--department", "d", "--reference", "C-1"});
    if (hold.exit_code != 0) throw std::runtime_error(hold.out + hold.err);
  }
};

}  // namespace

TEST_CASE("json formats: audit and verify STORE, with a store finding, an interruption and an open-ended hold",
          "[e2e]") {
  json_setup t;
  // One missing file, so the store_findings elements have their keys.
  auto s = store::open_directory_store(t.store_path, false).value();
  crypto::sha256_digest victim;
  REQUIRE(s.for_each_object([&](const crypto::sha256_digest& d) {
    victim = d;
    return false;
  }));
  REQUIRE(fs::remove(fs::path(t.store_path) / "objects/sha256" / victim.to_hex()));

  auto audit = run_bodycam({"audit", t.store_path, "--json", "--root", t.root});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 2);
  const auto a = nlohmann::json::parse(audit.out);
  check_golden(a, "bodycam-audit");
  CHECK(a.at("store") == fs::weakly_canonical(t.store_path).string());  // a path, not "directory store …"
  // The hold is open-ended: it has a start and no end (never 1970).
  const auto& scope = a.at("retention_register").at("entries").at(0).at("scopes").at(0);
  CHECK(scope.at("from_utc") == "2026-01-10T08:00:00.000000000Z");
  CHECK_FALSE(scope.contains("to_utc"));
  CHECK(audit.out.find("1970-") == std::string::npos);

  auto verify = run_bodycam({"verify", t.store_path, "--json"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 2);
  const auto v = nlohmann::json::parse(verify.out);
  check_golden(v, "bodycam-verify-store");
  CHECK(v.at("store") == fs::weakly_canonical(t.store_path).string());
}

TEST_CASE("json formats: verify of one chain and of a bundle", "[e2e]") {
  json_setup t;
  auto chain = run_bodycam({"verify", t.store_path + "/records/cam-0001", "--json"});
  INFO(chain.out << chain.err);
  CHECK(chain.exit_code == 1);  // the power loss is a documented gap
  check_golden(nlohmann::json::parse(chain.out), "bodycam-verify-chain");

  const std::string bundle = t.dir / "bundle";
  auto e = run_bodycam({"export", t.store_path, "--out", bundle, "--session", t.session.to_hex(), "--clerk-key", t.clerk_key,
                "--department", "d", "--reference", "C-2"});
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  std::ofstream(fs::path(bundle) / "extra.txt") << "added after export\n";
  auto b = run_bodycam({"verify", bundle, "--json"});
  INFO(b.out << b.err);
  CHECK(b.exit_code == 2);
  const auto bj = nlohmann::json::parse(b.out);
  check_golden(bj, "bodycam-verify-bundle");
  CHECK(bj.at("bundle") == fs::weakly_canonical(bundle).string());
}

TEST_CASE("json formats: an error under --json is one bodycam-error document on stdout, exit unchanged", "[e2e]") {
  temp_dir dir;
  for (const std::string verb : {"audit", "verify"}) {
    INFO(verb);
    auto r = run_bodycam({verb, (dir / "no-such-store").string(), "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    const auto j = nlohmann::json::parse(r.out);
    check_golden(j, "bodycam-error");
    CHECK(j.at("verb") == verb);
    CHECK(j.at("exit_code") == 3);
    CHECK(j.at("error").get<std::string>().find("no-such-store") != std::string::npos);
    CHECK(r.err.find("no-such-store") != std::string::npos);  // and a person still reads it on stderr
  }
}

TEST_CASE("json formats: audit --json whose --html cannot be written is still one document, exit 4", "[e2e]") {
  json_setup t;
  const std::string html = (t.dir / "a.html").string();
  // Files may not grow past 1 block: the HTML report cannot be written (EFBIG, the signal ignored); stdout is a
  // pipe, which the limit does not touch.
  auto r = bodycam::tests::run_process(
      {"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" audit \"$1\" --json --html \"$2\" --root \"$3\"",
       bodycam::tests::built_program("bodycam"), t.store_path, html, t.root});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  const auto j = nlohmann::json::parse(r.out);  // one document, nothing after it
  CHECK(j.at("format") == "bodycam-audit");
  CHECK(j.at("output_error").get<std::string>().find("could not be written") != std::string::npos);
  CHECK(j.at("verdict") == "authentic_with_gaps");
  CHECK(r.err.find("could not be written") != std::string::npos);
}
