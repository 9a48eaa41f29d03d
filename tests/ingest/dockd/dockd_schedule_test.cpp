// bodycam-dockd's deadline scheduler seen from the outside: a dock restarts with a queue (its state_db) that
// holds old footage of cameras not docked now; before any docking, its status JSON over HTTP (127.0.0.1) shows
// the scheduler's overdue / at_risk, the alarms are on stderr and in the queue's alarm log, and an item a killed
// run left in_progress is pending again. Fast: no camera process, one daemon start, bounded waits.
#include "common/crypto/key_file.hpp"
#include "ingest/schedule/queue_store.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <thread>

using namespace bodycam;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace sc = bodycam::ingest::schedule;

using bodycam::tests::http_get;

namespace {

sc::work_item item(const std::string& device, std::uint64_t seq, std::uint64_t bytes, sc::utc_time recorded) {
  auto made = sc::make_work_item({*common::record::device_id::parse(device), seq, seq + 1, "f" + std::to_string(seq) + ".mp4",
                                  bytes, recorded});
  REQUIRE(made.has_value());
  return *made;
}

}  // namespace

TEST_CASE("after a restart the dock's status shows the scheduler's overdue and at_risk from its queue", "[integration]") {
  tests::temp_dir root("bodycam-dockd-schedule");
  const fs::path dir(root.path());
  fs::create_directories(dir / "cameras");
  fs::create_directories(dir / "state");
  auto dock_key = common::crypto::secret_key::generate();
  REQUIRE(dock_key.has_value());
  REQUIRE(common::crypto::write_key_pair(dir / "dock-1", "dock-1", *dock_key).has_value());
  auto camera_key = common::crypto::secret_key::generate();
  REQUIRE(camera_key.has_value());
  REQUIRE(common::crypto::write_public_key(dir / "cameras" / "cam-7.pub", {"cam-7", camera_key->public_key()}).has_value());

  // The queue a previous run left: cam-7's footage is past its deadline, cam-8's has 90 min left (under the
  // 2 h margin, A2) and was being fetched when that run died, cam-9's is fresh.
  const auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  std::uint64_t interrupted = 0;
  {
    sc::queue_open_options options;
    options.create_if_missing = true;
    auto queue = sc::queue_store::open(dir / "state" / "dock.db", options);
    REQUIRE(queue.has_value());
    REQUIRE(queue->enqueue(item("cam-7", 3, 5000, now - 25h), now - 2h).has_value());
    auto queued = queue->enqueue(item("cam-8", 4, 7000, now - 22h - 30min), now - 2h);
    REQUIRE(queued.has_value());
    interrupted = queued->id;
    REQUIRE(queue->mark_in_progress(interrupted, now - 1h).has_value());
    REQUIRE(queue->enqueue(item("cam-9", 1, 9000, now - 1h), now - 1h).has_value());
  }
  std::ofstream(dir / "dockd.toml") << "[dock]\nid = \"dock-1\"\nkey_file = \"dock-1.key\"\nstore_dir = \"store\"\n"
                                    << "trusted_cameras_dir = \"cameras\"\nstate_db = \"state/dock.db\"\n"
                                    << "[schedule]\nupload_slots = 2\nreassess_seconds = 1\n"
                                    << "[http]\nlisten = \"127.0.0.1:0\"\n";
  tests::background_process dockd({tests::built_program("bodycam-dockd"), "--config", (dir / "dockd.toml").string()},
                                  (dir / "dockd").string());
  const std::uint16_t port = tests::wait_for_status_port(dockd, std::chrono::seconds(30));
  INFO(dockd.log());
  REQUIRE(port != 0);
  const auto body = http_get(port, "/status.json");
  REQUIRE_FALSE(body.empty());
  const auto status = nlohmann::json::parse(body);
  INFO(status.dump(2));
  CHECK(status["alarm"] == "overdue");
  CHECK(status["totals"]["devices_overdue"] == 1);
  CHECK(status["totals"]["devices_at_risk"] == 1);
  CHECK(status["totals"]["pending_bytes"] == 21000);
  CHECK(status["totals"]["deadline_slack_seconds"].get<double>() < 0);
  CHECK(status["totals"]["oldest_pending_age_seconds"].get<double>() >= 25 * 3600);
  CHECK(status["totals"]["throughput_bytes_per_second"].get<double>() > 0);

  dockd.signal(SIGTERM);
  CHECK(dockd.wait(30s) == 0);
  const auto log = dockd.log();
  CHECK(log.find("1 interrupted items back to pending") != std::string::npos);
  CHECK(log.find("ALARM overdue cam-7") != std::string::npos);
  CHECK(log.find("ALARM at_risk cam-8") != std::string::npos);
  CHECK(log.find("cam-9") == std::string::npos);

  auto queue = sc::queue_store::open(dir / "state" / "dock.db");
  REQUIRE(queue.has_value());
  auto alarms = queue->list_alarms();
  REQUIRE(alarms.has_value());
  REQUIRE(alarms->size() == 2);  // re-assessed every second, but each transition logged once
  CHECK((*alarms)[0].device.str() == "cam-7");
  CHECK((*alarms)[0].to == sc::alarm_state::overdue);
  CHECK((*alarms)[1].device.str() == "cam-8");
  CHECK((*alarms)[1].to == sc::alarm_state::at_risk);
  auto resumed = queue->find(interrupted);
  REQUIRE(resumed.has_value());
  REQUIRE(resumed->has_value());
  CHECK((*resumed)->state == sc::item_state::pending);
  CHECK((*resumed)->attempts == 0);
}
