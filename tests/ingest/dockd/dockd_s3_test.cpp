// Docks on an S3 store, end to end with real bodycam-recorder and bodycam-dockd processes on 127.0.0.1 and the
// real Ceph RGW of tests/common/store/s3_test_cluster.hpp (tier [s3]; one cluster for this process):
//  - two docks, each with its own key and state, on one bucket at the same time, and a camera that docks at
//    one and later at the other: every record and file listed once with one version, receipts from whichever
//    dock, `bodycam audit --store-config` of the bucket clean, the store log one log across both docks, and a
//    clerk's `bodycam retention hold --store-config` placing S3 legal holds on the held camera's files;
//  - the store behind a fault proxy that blackholes past the retry budget, and a cluster whose OSD is past its
//    full ratio: the dock raises store_unreachable, sends no receipt, the camera deletes nothing; once the store
//    answers again the next docking stores everything (0 lost, 0 duplicates);
//  - a bucket past its RGW quota (the engine says "full", 403 QuotaExceeded): store_full, the same guarantees.
#include "common/receipt/receipt.hpp"
#include "common/store/s3_backend.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/common/store/s3_test_cluster.hpp"
#include "tests/support/dock_fixture.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/test_agency.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
using namespace bodycam::tests;
namespace s3t = bodycam::tests::store;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace st = bodycam::common::store;

namespace {

// The `[store]` table of a dock (or the tools) on `options`' bucket through `endpoint`, then `extra` lines.
std::string store_table(const st::s3_store_options& options, const std::string& endpoint, const std::string& extra = {}) {
  return "[store]\nkind = \"s3\"\nendpoint = \"" + endpoint + "\"\nbucket = \"" + options.bucket +
         "\"\ncredentials_file = \"" + (s3t::ceph_cluster::get().dir() / "credentials").string() +
         "\"\nretention_days = 1\n" + extra;
}

// The docks that signed `device`'s receipts in the store.
std::set<std::string> receipt_issuers(st::store& s, const std::string& device) {
  std::set<std::string> issuers;
  auto names = s.list_entries(st::entry_namespace::receipts);
  REQUIRE(names.has_value());
  for (const auto& name : *names) {
    if (!name.starts_with(device + ".")) continue;
    auto r = receipt::parse(s.get_entry(st::entry_namespace::receipts, name).value());
    REQUIRE(r.has_value());
    issuers.insert(r->body.issuer);
  }
  return issuers;
}

bool has_receipt_record(const camera_process& cam) {
  for (const auto& bytes : cam.records()) {
    auto rec = record::parse_signed_record(bytes);
    REQUIRE(rec.has_value());
    if (rec->body.kind() == record::record_kind::receipt) return true;
  }
  return false;
}

st::store open_direct(const st::s3_store_options& options) {
  auto s = st::open_s3_store(options);
  INFO((s ? "" : s.error().context));
  REQUIRE(s);
  return std::move(*s);
}

// Polls `done` every 200 ms up to `limit`.
bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

}  // namespace

TEST_CASE("two docks on one bucket: each camera's footage stored once, receipts from either dock, audit clean",
          "[s3]") {
  const auto options = s3t::fresh_bucket(true);
  const auto& endpoint = s3t::ceph_cluster::get().endpoint();
  temp_dir root("bodycam-dock-s3-two");
  dock_setup dock_a(root.path() / "dock-a", "dock-a", root.path() / "cameras");
  dock_setup dock_b(root.path() / "dock-b", "dock-b", root.path() / "cameras");
  // cam-1 docks at A, cam-2 at B, cam-3 at A and later at B.
  std::vector<std::unique_ptr<camera_process>> cams;
  cams.push_back(std::make_unique<camera_process>(root.path(), 0, dock_a.key));
  cams.push_back(std::make_unique<camera_process>(root.path(), 1, dock_b.key));
  cams.push_back(std::make_unique<camera_process>(
      root.path(), 2, std::vector<crypto::labelled_public_key>{dock_a.key, dock_b.key}));
  for (auto& c : cams) c->start();
  for (auto& c : cams) c->record_for(2000ms);
  dock_a.write_config(std::vector<camera_process*>{cams[0].get(), cams[2].get()}, store_table(options, endpoint));
  dock_b.write_config(std::vector<camera_process*>{cams[1].get()}, store_table(options, endpoint));
  {
    background_process a(dock_a.argv(true), (root.path() / "dock-a" / "run-1").string());
    background_process b(dock_b.argv(true), (root.path() / "dock-b" / "run-1").string());
    const int a_exit = a.wait(180s);
    const int b_exit = b.wait(180s);
    INFO("dock-a: " << a.log() << "\ndock-b: " << b.log());
    REQUIRE(a_exit == 0);
    REQUIRE(b_exit == 0);
  }
  auto s = open_direct(options);
  CHECK(receipt_issuers(s, "cam-3") == std::set<std::string>{"dock-a"});
  const auto stored_at_a = check_camera_against_store(*cams[2], s);

  cams[2]->record_for(1500ms);  // more footage, then cam-3 docks at B
  dock_b.write_config(std::vector<camera_process*>{cams[1].get(), cams[2].get()}, store_table(options, endpoint));
  const auto r = run_process(dock_b.argv(true), std::chrono::seconds(180));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  std::size_t files = 0;
  for (auto& c : cams) {
    INFO(c->device);
    const auto stored = check_camera_against_store(*c, s);
    CHECK(stored + 1 == c->records().size());  // all but the camera's last receipt record, stored next time
    CHECK(c->files(ledger::file_state::sealed).empty());
    files += c->files(ledger::file_state::stored).size();
  }
  CHECK(check_camera_against_store(*cams[2], s) > stored_at_a);
  CHECK(receipt_issuers(s, "cam-1") == std::set<std::string>{"dock-a"});
  CHECK(receipt_issuers(s, "cam-2") == std::set<std::string>{"dock-b"});
  CHECK(receipt_issuers(s, "cam-3") == std::set<std::string>{"dock-a", "dock-b"});
  s3t::check_one_version_each(options, files);

  // The cameras' keys in the bucket, as enrolling them puts them there (the docks know them from their own
  // trusted_cameras_dir); then the tools on the bucket: the same [store] table in a tools config.
  for (auto& c : cams) REQUIRE(s.put_public_key({c->device, c->key}).has_value());
  std::ofstream(root.path() / "tools.toml") << store_table(options, endpoint);
  const auto audit =
      run_bodycam({"audit", "--store-config", (root.path() / "tools.toml").string(), "--json", "--quiet"});
  INFO(audit.out << audit.err);
  REQUIRE_FALSE(audit.out.empty());
  const auto report = nlohmann::json::parse(audit.out);
  const std::set<std::string> clean{"authentic", "authentic_with_gaps"};  // gaps: the log is not witnessed
  CHECK(clean.contains(report["verdict"].get<std::string>()));
  CHECK(report["devices"].size() == 3);
  for (const auto& device : report["devices"]) {
    INFO(device.dump(2));
    CHECK(device["verdict"] == "authentic");
    CHECK(device["problems"].empty());
    CHECK(device["store_findings"].empty());
  }
  // The store log: one log written by both docks, every stored item a leaf, nothing missing or changed.
  INFO(report["log"].dump(2));
  CHECK(report["log"]["verdict"] != "not_authentic");
  CHECK(report["log"]["present"] == true);
  CHECK(report["log"]["items_checked"].get<std::size_t>() >= files);
  for (const auto& finding : report["log"]["findings"]) CHECK(finding["code"] == "log_unwitnessed");

  const auto verified = run_bodycam({"verify", "--store-config", (root.path() / "tools.toml").string(), "--json"});
  INFO(verified.out << verified.err);
  CHECK((verified.exit_code == 0 || verified.exit_code == 1));  // 1: the log is not witnessed
  CHECK(nlohmann::json::parse(verified.out)["devices"].size() == 3);

  // An agency enrolls the cameras, the docks and a clerk in the bucket (as its administrator would); the clerk
  // holds cam-1's footage with `bodycam retention hold --store-config`, which places S3 legal holds.
  test_agency agency(s, root.path() / "agency");
  agency.enroll_store_keys();
  auto clerk = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_key_pair(root.path() / "clerk-1", "clerk-1", clerk).has_value());
  agency.enroll_person(root.path() / "clerk-1.pub", clerk_and_supervisor);
  const auto rooted = run_bodycam({"audit", "--store-config", (root.path() / "tools.toml").string(), "--root",
                                   agency.root_file(), "--json", "--quiet"});
  INFO(rooted.out << rooted.err);
  const auto rooted_report = nlohmann::json::parse(rooted.out);
  CHECK(clean.contains(rooted_report["verdict"].get<std::string>()));
  CHECK(rooted_report["enrollment"]["verdict"] == "authentic");
  CHECK(rooted_report["enrollment"]["root_confirmed"] == true);
  const auto hold = run_bodycam({"retention", "hold", "--store-config", (root.path() / "tools.toml").string(),
                                 "--reason", "evidence", "--device", "cam-1", "--from", "2020-01-01T00:00:00Z",
                                 "--clerk-key", (root.path() / "clerk-1.key").string(), "--department", "records",
                                 "--reference", "CASE-S3"});
  INFO(hold.out << hold.err);
  REQUIRE(hold.exit_code == 0);
  CHECK_THAT(hold.out, Catch::Contains("legal holds:") && Catch::Contains("placed on"));
  std::size_t held = 0;
  for (const auto& f : cams[0]->files(ledger::file_state::stored)) {
    const auto on = s.backend().legal_hold(st::store_key::object(f.seal->sha256));
    REQUIRE(on.has_value());
    CHECK(*on == std::optional<bool>(true));
    ++held;
  }
  CHECK(held >= 2);
  for (const auto& f : cams[1]->files(ledger::file_state::stored))  // cam-2 is not held
    CHECK(s.backend().legal_hold(st::store_key::object(f.seal->sha256)).value() == std::optional<bool>(false));
  for (auto& c : cams) c->stop();
}

namespace {

// One camera records while the store does not take footage (`break_store` until `heal_store`) and a dock runs:
// the alarm `alarm` is raised and shown, no receipt, nothing deleted on the camera; once healed the next docking
// stores everything. `one_version`: whether each stored key must have exactly one version (not when the cluster
// held writes that land after it heals).
void dock_through_store_outage(const std::string& name, const std::function<std::string(const st::s3_store_options&)>& table,
                               const std::function<void()>& break_store, const std::function<void()>& heal_store,
                               const std::string& alarm, bool one_version) {
  const auto options = s3t::fresh_bucket(true);
  temp_dir root(name);
  dock_setup dock(root.path() / "dock", "dock-1", root.path() / "cameras");
  std::vector<std::unique_ptr<camera_process>> cams;
  cams.push_back(std::make_unique<camera_process>(root.path(), 0, dock.key));
  auto& cam = *cams.front();
  dock.write_config(cams, table(options) + "[http]\nlisten = \"127.0.0.1:0\"\n");
  // The dock starts (and proves the bucket write-once) while the store answers; the camera is not up yet.
  background_process dockd(dock.argv(false), (root.path() / "dock" / "run").string());
  const auto port = wait_for_status_port(dockd, 60s);
  INFO(dockd.log());
  REQUIRE(port != 0);
  break_store();
  cam.start();
  cam.record_for(2000ms);
  nlohmann::json status;
  const bool alarmed = wait_until(
      [&] {
        const auto body = http_get(port, "/status.json");
        if (body.empty()) return false;
        status = nlohmann::json::parse(body);
        return status["store"]["alarm"] == alarm;
      },
      120s);
  INFO(status.dump(2) << dockd.log());
  REQUIRE(alarmed);
  CHECK_THAT(dockd.log(), Catch::Contains("ALARM " + alarm + " cam-1"));
  std::this_thread::sleep_for(3s);  // more dockings fail while the store stays down
  CHECK_FALSE(has_receipt_record(cam));
  CHECK(cam.files(ledger::file_state::stored).empty());
  CHECK(cam.files(ledger::file_state::reclaimed).empty());
  const auto sealed = cam.files(ledger::file_state::sealed);
  CHECK(sealed.size() >= 2);
  for (const auto& f : sealed) CHECK(fs::exists(cam.dir / "segments" / f.name));  // nothing deleted

  heal_store();
  const bool stored = wait_until([&] { return cam.files(ledger::file_state::sealed).empty() && has_receipt_record(cam); },
                                 180s);
  INFO(dockd.log());
  CHECK(stored);
  CHECK(wait_until(
      [&] {
        const auto body = http_get(port, "/status.json");
        return !body.empty() && nlohmann::json::parse(body)["store"]["alarm"].is_null();
      },
      60s));  // the alarm cleared
  dockd.signal(SIGTERM);
  CHECK(dockd.wait(60s) == 0);
  auto s = open_direct(options);
  CHECK(check_camera_against_store(cam, s) + 1 == cam.records().size());  // 0 lost
  CHECK(cam.files(ledger::file_state::stored).size() == sealed.size());
  if (one_version) s3t::check_one_version_each(options, sealed.size());  // 0 duplicates
  cam.stop();
}

}  // namespace

TEST_CASE("a dock whose store is blackholed past the retry budget: store_unreachable, no receipt, then all stored",
          "[s3]") {
  fault_proxy proxy("127.0.0.1", s3t::cluster_port());
  dock_through_store_outage(
      "bodycam-dock-s3-blackhole",
      [&](const st::s3_store_options& options) {
        return store_table(options, proxy.url(), "timeout_seconds = 1\nretry_budget_seconds = 3\nretry_attempts = 100\n");
      },
      [&] { proxy.set_fault(proxy_fault::blackhole); }, [&] { proxy.set_fault(proxy_fault::none); },
      "store_unreachable", true);
  CHECK(proxy.injected(proxy_fault::blackhole) > 0);
}

// RGW 16 answers no write while its OSD is past the full ratio (librados holds them), so the dock sees a store
// that does not answer writes: store_unreachable, not store_full. The held writes land when the cluster has room.
TEST_CASE("a dock on a cluster whose OSD is past its full ratio: store alarm, no receipt, nothing deleted; then stored",
          "[s3]") {
  auto& cluster = s3t::ceph_cluster::get();
  std::unique_ptr<s3t::full_cluster> full;
  dock_through_store_outage(
      "bodycam-dock-s3-full",
      [&](const st::s3_store_options& options) {
        return store_table(options, cluster.endpoint(), "timeout_seconds = 2\nretry_budget_seconds = 4\n");
      },
      [&] { full = std::make_unique<s3t::full_cluster>(); }, [&] { full.reset(); }, "store_unreachable", false);
}

// A store that says it is full: RGW refuses a PUT past a bucket quota with 403 QuotaExceeded, which the store
// reads as no_space, and the dock raises store_full (what an S3 engine that reports "full" looks like to it).
TEST_CASE("a dock on a bucket past its quota: store_full, no receipt, nothing deleted; quota lifted, all stored",
          "[s3]") {
  auto& cluster = s3t::ceph_cluster::get();
  std::string bucket;
  dock_through_store_outage(
      "bodycam-dock-s3-quota",
      [&](const st::s3_store_options& options) {
        bucket = options.bucket;
        return store_table(options, cluster.endpoint(), "timeout_seconds = 5\nretry_budget_seconds = 5\n");
      },
      [&] {
        cluster.admin("radosgw-admin", {"quota", "set", "--quota-scope=bucket", "--bucket", bucket, "--max-size", "1"});
        cluster.admin("radosgw-admin", {"quota", "enable", "--quota-scope=bucket", "--bucket", bucket});
      },
      [&] { cluster.admin("radosgw-admin", {"quota", "disable", "--quota-scope=bucket", "--bucket", bucket}); },
      "store_full", true);
}
