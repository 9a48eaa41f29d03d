// End to end on 127.0.0.1 with real processes: three bodycam-recorder cameras (synthetic source, 320x240)
// record, then bodycam-dockd pulls, verifies and stores everything and hands out receipts. Checked from the
// outside: every record of each camera is in the store exactly once and byte for byte, every file re-hashes,
// every receipt verifies and reached its camera (a `receipt` record, files `stored`), nothing was reclaimed.
// The fault test kills the dock (SIGKILL) and the cameras at random points of the transfer, 20+ times, and
// checks after each that nothing was lost, duplicated or reclaimed without a receipt.
#include "common/crypto/key_file.hpp"
#include "common/ledger/ledger.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "ingest/schedule/queue_store.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/dock_fixture.hpp"
#include "tests/support/loopback_port.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>


#include <csignal>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <map>
#include <set>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using tests::camera_process;
using tests::free_loopback_port;
using tests::check_camera_against_store;
using tests::dock_setup;

}  // namespace

TEST_CASE("three cameras dock: every record stored once, hashes match, receipts reach the cameras", "[e2e]") {
  tests::temp_dir root("bodycam-dock-e2e");
  dock_setup dock(root.path());
  std::vector<std::unique_ptr<camera_process>> cameras;
  for (int i = 0; i < 3; ++i) cameras.push_back(std::make_unique<camera_process>(root.path(), i, dock.key));
  for (auto& c : cameras) c->start();
  for (auto& c : cameras) c->record_for(2500ms);
  dock.write_config(cameras);
  auto r = tests::run_process(dock.argv(true), std::chrono::seconds(120));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto s = store::open_directory_store(fs::path(root.path()) / "store", false);
  REQUIRE(s.has_value());
  for (auto& c : cameras) {
    INFO(c->device);
    const auto stored = check_camera_against_store(*c, *s);
    const auto ledger_records = c->records();
    CHECK(stored + 1 == ledger_records.size());  // all but the camera's receipt record, stored next time
    auto last = record::parse_signed_record(ledger_records.back());
    REQUIRE(last.has_value());
    CHECK(last->body.kind() == record::record_kind::receipt);
    std::size_t fragmented = 0;  // real segments: the dock checked their fragment roots too
    for (const auto& bytes : ledger_records) {
      auto rec = record::parse_signed_record(bytes);
      REQUIRE(rec.has_value());
      if (const auto* seg = std::get_if<record::segment_payload>(&rec->body.body)) fragmented += seg->fragment_count > 0;
    }
    CHECK(fragmented >= 2);
    CHECK(c->files(ledger::file_state::sealed).empty());
    CHECK(c->files(ledger::file_state::stored).size() >= 2);
    auto inputs = store::read_record_inputs(*s, *record::device_id::parse(c->device));
    REQUIRE(inputs.has_value());
    auto report = chain::verify_chain(*inputs, {*record::device_id::parse(c->device), c->key, true, std::nullopt});
    CHECK(report.result != chain::verdict::not_authentic);
  }
  std::error_code ec;
  CHECK(fs::is_empty(fs::path(root.path()) / "state" / "quarantine", ec));  // nothing quarantined
  auto queue = ingest::schedule::queue_store::open(fs::path(root.path()) / "state" / "dock.db");
  REQUIRE(queue.has_value());
  auto totals = queue->totals();
  REQUIRE(totals.has_value());
  CHECK(totals->pending_items == 0);  // the dock's queue: every file planned was stored
  CHECK(totals->done_items >= 6);
  // The shared upload slot (default [schedule] upload_slots = 1): the three cameras were docked in parallel,
  // yet no camera's file was fetched before every file another camera had fetched earlier was stored (the
  // queue's started_ns / done_ns). A camera's own files may overlap: it fetches its next one while the ones
  // before are stored (store_depth).
  // Raw SQLite on purpose: the test reads the dock's file as an outsider would, read-only, columns the queue's
  // API does not expose; nothing here goes through (or could hide a fault of) common/sqlite.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2((fs::path(root.path()) / "state" / "dock.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
          SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db_closer(db, &sqlite3_close);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT device, started_ns, done_ns FROM items WHERE state = 'done' AND started_ns IS NOT NULL "
                                 "ORDER BY started_ns", -1, &stmt, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt_closer(stmt, &sqlite3_finalize);
  std::set<std::string> fetched_from;
  std::map<std::string, std::int64_t> last_done;  // device → the latest done_ns of its files fetched so far
  std::size_t fetched = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const std::string device = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    fetched_from.insert(device);
    for (const auto& [other, done] : last_done)
      if (other != device) CHECK(sqlite3_column_int64(stmt, 1) >= done);
    auto& done = last_done[device];
    done = std::max<std::int64_t>(done, sqlite3_column_int64(stmt, 2));
    ++fetched;
  }
  CHECK(fetched >= 6);
  CHECK(fetched_from.size() == 3);
  for (auto& c : cameras) c->stop();
}

TEST_CASE("dock and cameras killed at random points of the transfer: 0 lost, 0 duplicates, 0 reclaims without receipt",
          "[fault][e2e]") {
  tests::temp_dir root("bodycam-dock-kill");
  dock_setup dock(root.path());
  std::vector<std::unique_ptr<camera_process>> cameras;
  for (int i = 0; i < 3; ++i) cameras.push_back(std::make_unique<camera_process>(root.path(), i, dock.key));
  for (auto& c : cameras) c->start();
  for (auto& c : cameras) c->record_for(2000ms);
  dock.write_config(cameras);
  std::mt19937 random(12345);
  constexpr int runs = 20;
  int dock_kills = 0;
  int camera_kills = 0;
  int interrupted = 0;
  std::uint64_t stored_before = 0;
  for (int run = 0; run < runs; ++run) {
    INFO("run " << run);
    tests::background_process dockd(dock.argv(false), (fs::path(root.path()) / ("dockd-" + std::to_string(run) + ".log")).string());
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 900)(random)));
    if (run % 3 == 2) {  // kill a camera mid-transfer, then the dock; restart the camera (it recovers at boot)
      auto& c = *cameras[static_cast<std::size_t>(run) % cameras.size()];
      c.kill();
      ++camera_kills;
      dockd.signal(SIGKILL);
      (void)dockd.wait(10s);
      c.start();
      c.record_for(1200ms);  // more footage while the dock is away
    } else {
      dockd.signal(SIGKILL);
      (void)dockd.wait(10s);
    }
    ++dock_kills;
    auto s = store::open_directory_store(fs::path(root.path()) / "store", false);
    if (!s) continue;  // killed before the store was created
    std::uint64_t stored_now = 0;
    bool incomplete = false;
    for (auto& c : cameras) {
      const auto n = check_camera_against_store(*c, *s);
      stored_now += n;
      incomplete = incomplete || n + 1 < c->records().size() || !c->files(ledger::file_state::sealed).empty();
    }
    if (stored_now > stored_before && incomplete) ++interrupted;  // the kill hit a transfer in progress
    stored_before = stored_now;
  }
  std::printf("dock kill loop: %d runs, %d dock kills, %d camera kills, %d kills during a transfer\n", runs,
              dock_kills, camera_kills, interrupted);
  CHECK(interrupted >= 1);
  // A final, uninterrupted docking stores everything.
  auto r = tests::run_process(dock.argv(true), std::chrono::seconds(120));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto s = store::open_directory_store(fs::path(root.path()) / "store", false);
  REQUIRE(s.has_value());
  for (auto& c : cameras) {
    const auto stored = check_camera_against_store(*c, *s);
    CHECK(stored + 1 == c->records().size());
    CHECK(c->files(ledger::file_state::sealed).empty());
  }
  CHECK(dock_kills == runs);
  CHECK(camera_kills >= 6);
  for (auto& c : cameras) c->stop();
}

namespace {

std::size_t count_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

}  // namespace

// The witness in another office is down during a docking: the footage is stored and receipted all the same, the
// dock's /status.json shows witness_unreachable; with the witness back, the next docking's checkpoint is cosigned
// and `bodycam audit --witness` finds the witnessed checkpoint.
TEST_CASE("a dock submits checkpoints to its witness: down, alarm, footage stored; back, cosigned", "[e2e]") {
  tests::temp_dir root("bodycam-dock-witness");
  dock_setup dock(root.path());
  std::vector<std::unique_ptr<camera_process>> cameras;
  cameras.push_back(std::make_unique<camera_process>(root.path(), 0, dock.key));
  auto& cam = *cameras.front();
  cam.start();
  cam.record_for(2000ms);
  auto witness_secret = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_key_pair(root / "witness-1", "witness-1", witness_secret).has_value());
  const std::uint16_t witness_port = free_loopback_port();
  dock.write_config(cameras);
  std::ofstream(root / "dockd.toml", std::ios::app)
      << "[http]\nlisten = \"127.0.0.1:0\"\n[[witness]]\nname = \"witness-1\"\nurl = \"http://127.0.0.1:" << witness_port
      << "\"\npublic_key_file = \"witness-1.pub\"\n";
  const fs::path store_dir = fs::path(root.path()) / "store";
  {
    tests::background_process dockd(dock.argv(false), (root / "dockd-1").string());
    const auto port = tests::wait_for_status_port(dockd, 30s);
    REQUIRE(port != 0);
    nlohmann::json status;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto body = tests::http_get(port, "/status.json");
      if (!body.empty()) {
        status = nlohmann::json::parse(body);
        if (status["witnesses"].size() == 1 && status["witnesses"][0]["alarm"] == "witness_unreachable") break;
      }
      std::this_thread::sleep_for(200ms);
    }
    INFO(status.dump(2) << dockd.log());
    REQUIRE(status["witnesses"].size() == 1);
    CHECK(status["witnesses"][0]["alarm"] == "witness_unreachable");
    CHECK(status["witnesses"][0]["state"] == "unreachable");
    CHECK(status["alarm"] == "ok");  // the dock's own alarm: no footage is held for the witness
    CHECK_THAT(dockd.log(), Catch::Contains("ALARM witness_unreachable witness witness-1"));
    dockd.signal(SIGTERM);
    CHECK(dockd.wait(30s) == 0);
  }
  CHECK(count_files(store_dir / "receipts") >= 1);  // the footage was stored and receipted
  CHECK(count_files(store_dir / "log" / "checkpoint") >= 1);
  CHECK(count_files(store_dir / "log" / "cosignature") == 0);

  tests::background_process witness(
      {tests::built_program("bodycam"), "witness", "serve", "--listen", "127.0.0.1:" + std::to_string(witness_port),
       "--key", (root / "witness-1.key").string(), "--state", (root / "witness-1.state").string(), "--log-key",
       (root / "dock-1.pub").string()},
      (root / "witness").string());
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (witness.log().find("listening on") == std::string::npos && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  REQUIRE_THAT(witness.log(), Catch::Contains("listening on 127.0.0.1:" + std::to_string(witness_port)));
  cam.record_for(1500ms);
  auto r = tests::run_process(dock.argv(true), std::chrono::seconds(120));
  INFO(r.err << witness.log());
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("witness witness-1 cosigned the store log at size"));
  auto s = store::open_directory_store(store_dir, false);
  REQUIRE(s.has_value());
  CHECK(count_files(store_dir / "log" / "cosignature") >= 1);
  auto audit = tests::run_bodycam({"audit", store_dir.string(), "--witness", (root / "witness-1.pub").string(), "--quiet"});
  INFO(audit.out);
  CHECK_THAT(audit.out, Catch::Contains("cosigned by witness-1"));
  witness.signal(SIGTERM);
  CHECK(witness.wait(10s) == 0);
  cam.stop();
}
