// Store-log proofs in court bundles (tools/bundle/bundle_log.hpp, docs/formats/bundle.md §6) over a small store
// built in the test and logged with a dock key: every item proven; an item the log does not hold yet listed as
// unlogged (a gap, never exit 0); a proof changed or dropped is not authentic, naming the file; a store without
// a log gives a bundle without proofs, which a verifier requiring a witness reports. The attacks on a real
// shift (another log, a forged cosignature, a changed file) are in tests/tools/log_audit/bundle_proof_e2e_test.cpp.
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/reconcile.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/bundle/bundle_log.hpp"
#include "tools/bundle/bundle_verify.hpp"

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace bundle_log_test {

using namespace bodycam::common;
namespace bundle = bodycam::tools::bundle;
namespace fs = std::filesystem;
using bodycam::tests::evidence_camera;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;

namespace {

void overwrite(const fs::path& p, const std::string& text) {
  std::error_code ec;
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add, ec);
  bodycam::tests::write_text(p, text);
}

void rewrite_sums(const fs::path& dir) {
  std::vector<bundle::sums_line> lines;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != "SHA256SUMS")
      lines.push_back({crypto::sha256(slurp(e.path())), fs::relative(e.path(), dir).generic_string()});
  overwrite(dir / "SHA256SUMS", bundle::format_sums(lines));
}

bool names(const bundle::bundle_report& r, const std::string& code, const std::string& file = {}) {
  for (const auto& f : r.findings)
    if (f.code == code && (file.empty() || f.file == file)) return true;
  return false;
}

bool has_log_finding(const bundle::bundle_report& r) {
  for (const auto& f : r.findings)
    if (f.code.starts_with("log_")) return true;
  return false;
}

struct logged_store {
  temp_dir dir;
  store::store s;
  evidence_camera cam;
  crypto::software_signer dock{bodycam::tests::fixed_key(60)};
  int exports = 0;

  explicit logged_store(bool with_log)
      : s(store::open_directory_store(dir / "store", true).value()), cam(s, "cam-0001", 1) {
    bodycam::tests::record_shift(cam, 3, std::chrono::minutes(20));
    REQUIRE(s.put_public_key({"dock-0001", dock.public_key()}));
    if (with_log) reconcile();
  }
  void reconcile() {
    store_log::log_appender log(s, {std::string(store_log::default_log_origin), "dock-0001", &dock});
    auto done = store_log::reconcile(s, log);
    REQUIRE(done);
    REQUIRE(done->appended > 0);
  }
  fs::path export_session() {
    crypto::software_signer clerk(bodycam::tests::fixed_key(50));
    bundle::export_request request;
    request.what.session = cam.session();
    request.out = dir / ("bundle-" + std::to_string(exports++));
    request.clerk_id = "clerk-1";
    request.department = "records unit";
    request.reference = "CASE-LOG";
    request.now = record::utc_time(std::chrono::seconds(1'795'000'000));
    auto done = bundle::export_bundle(s, request, clerk);
    INFO((done ? std::string() : done.error().context));
    REQUIRE(done);
    return request.out;
  }
};

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

}  // namespace

TEST_CASE("bundle log proofs: every item proven once the log holds it; before that, listed unlogged",
          "[integration]") {
  logged_store t(true);
  // The clerk's first export puts keys/clerk-1.pub into the store after the log was made: the export's own
  // writing, like its access entry, so a note, not a gap (bundle.md §6.1).
  const auto first = t.export_session();
  const auto manifest = read_json(first / "manifest.json");
  REQUIRE(manifest["log"].is_object());
  CHECK(manifest["log"]["signed_by"] == "dock-0001");
  CHECK(manifest["log"]["unlogged"].empty());
  const auto early = bundle::verify_bundle(first);
  CHECK(early.verdict == chain::verdict::authentic);
  CHECK_FALSE(has_log_finding(early));
  CHECK(early.log_proven > 5);
  CHECK(std::find(early.log_notes.begin(), early.log_notes.end(),
                  "keys/clerk-1.pub (the exporting clerk's key) was not in the log's checkpoint yet") !=
        early.log_notes.end());
  // A record the dock has not logged yet is a gap: stored after the log's newest checkpoint.
  t.cam.after(std::chrono::minutes(1));
  bodycam::tests::record_shift(t.cam, 1, std::chrono::minutes(5));
  const auto unlogged = t.export_session();
  const auto listed = read_json(unlogged / "manifest.json")["log"]["unlogged"];
  REQUIRE_FALSE(listed.empty());
  const auto late = bundle::verify_bundle(unlogged);
  CHECK(late.verdict == chain::verdict::authentic_with_gaps);
  CHECK(names(late, "log_item_unlogged", listed[0].get<std::string>()));
  // The dock's next start logs them; a fresh export proves every item.
  t.reconcile();
  const auto second = t.export_session();
  CHECK(read_json(second / "manifest.json")["log"]["unlogged"].empty());
  const auto proofs = read_json(second / "log/proofs.json");
  CHECK(proofs["format"] == "bodycam-bundle-log-proofs");
  const auto good = bundle::verify_bundle(second);
  INFO(bundle::bundle_report_text(good));
  CHECK(good.verdict == chain::verdict::authentic);
  CHECK_FALSE(has_log_finding(good));
  CHECK(good.log_proven == proofs["items"].size());
  // A witness the verifier requires has not cosigned this store's log: a gap, not authentic without one.
  const bundle::bundle_verify_options required{{{"witness-1", bodycam::tests::fixed_key(70).public_key()}}};
  const auto unwitnessed = bundle::verify_bundle(second, required);
  CHECK(unwitnessed.verdict == chain::verdict::authentic_with_gaps);
  CHECK(names(unwitnessed, "log_unwitnessed", "log/checkpoint"));
}

TEST_CASE("bundle log proofs: a changed proof hash and a dropped proof are not authentic", "[integration]") {
  logged_store t(true);
  (void)t.export_session();
  t.reconcile();
  const auto b = t.export_session();
  auto proofs = read_json(b / "log/proofs.json");
  REQUIRE(proofs["items"].size() > 2);
  const std::string changed = proofs["items"][0]["file"];
  const std::string dropped = proofs["items"][1]["file"];
  REQUIRE_FALSE(proofs["items"][0]["proof"].empty());
  std::string h = proofs["items"][0]["proof"][0];
  h[0] = h[0] == '0' ? '1' : '0';
  proofs["items"][0]["proof"][0] = h;
  proofs["items"].erase(1);
  overwrite(b / "log/proofs.json", proofs.dump(2) + "\n");
  rewrite_sums(b);
  const auto r = bundle::verify_bundle(b);
  INFO(bundle::bundle_report_text(r));
  CHECK(r.verdict == chain::verdict::not_authentic);
  CHECK(names(r, "log_proof_invalid", changed));
  CHECK(names(r, "log_proof_missing", dropped));
}

TEST_CASE("bundle log proofs: a store without a log gives a bundle without proofs", "[integration]") {
  logged_store t(false);
  const auto b = t.export_session();
  CHECK(read_json(b / "manifest.json")["log"].is_null());
  CHECK_FALSE(fs::exists(b / "log"));
  const auto plain = bundle::verify_bundle(b);
  CHECK(plain.verdict == chain::verdict::authentic);
  CHECK_FALSE(has_log_finding(plain));
  CHECK(plain.log_proven == 0);
  const bundle::bundle_verify_options required{{{"witness-1", bodycam::tests::fixed_key(70).public_key()}}};
  const auto r = bundle::verify_bundle(b, required);
  CHECK(r.verdict == chain::verdict::authentic_with_gaps);
  CHECK(names(r, "log_unwitnessed"));
}

}  // namespace bundle_log_test
