// The dock monitor: what the status page shows from what sessions report.
#include "ingest/dockd/dock_monitor.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace std::chrono_literals;
namespace dock = bodycam::ingest::dock;

TEST_CASE("the monitor turns session reports into slot status, alarms and totals") {
  const common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  std::vector<std::string> log;
  ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, [&](const std::string& l) { log.push_back(l); });
  const auto cam = *common::record::device_id::parse("cam-1");
  monitor.begin("slot-1");
  monitor.set_connected("slot-1", true);
  dock::camera_snapshot state{cam, 10, 4, 6, 3000, 55, 1 << 20};
  SECTION("fresh footage is ok") {
    monitor.on_plan(state, {{5, "a.mp4", 3000, now - 1h}});
    auto s = monitor.snapshot();
    REQUIRE(s.slots.size() == 1);
    CHECK(s.slots[0].device == "cam-1");
    CHECK(s.slots[0].battery_percent == 55);
    CHECK(s.slots[0].pending_bytes == 3000);
    CHECK(s.slots[0].alarm == ingest::status::alarm_state::ok);
    CHECK(*s.slots[0].time_to_deadline == 23h);
    monitor.on_stored(cam, 0, 1000);
    CHECK(monitor.snapshot().slots[0].done_bytes == 1000);
    CHECK(monitor.snapshot().totals.pending_bytes == 2000);
  }
  SECTION("footage near its deadline is at risk, past it overdue") {
    monitor.on_plan(state, {{5, "a.mp4", 3000, now - 21h}});
    CHECK(monitor.snapshot().slots[0].alarm == ingest::status::alarm_state::at_risk);
    monitor.on_plan(state, {{5, "a.mp4", 3000, now - 25h}, {6, "b.mp4", 1, now - 1h}});
    auto s = monitor.snapshot();
    CHECK(s.slots[0].alarm == ingest::status::alarm_state::overdue);
    CHECK(s.alarm == ingest::status::alarm_state::overdue);
    CHECK(s.totals.devices_overdue == 1);
  }
  SECTION("alarms are counted, logged and shown") {
    monitor.on_alarm(cam, dock::alarm_kind::file_quarantined, "b.mp4 does not match");
    monitor.on_alarm(cam, dock::alarm_kind::store_full, "No space left on device");
    auto s = monitor.snapshot();
    CHECK(s.totals.quarantined_files == 1);
    CHECK(s.totals.verify_failures == 1);
    CHECK_FALSE(s.store_available);
    CHECK(s.slots[0].last_error.find("store_full") != std::string::npos);
    REQUIRE(log.size() == 2);
    CHECK(log[0].rfind("ALARM file_quarantined cam-1", 0) == 0);
    monitor.on_receipt(cam, 10);
    CHECK(monitor.snapshot().store_available);
    CHECK(monitor.snapshot().totals.receipts_issued == 1);
  }
  SECTION("a stop request ends sessions between files") {
    CHECK(monitor.may_fetch(cam, {}));
    monitor.request_stop();
    CHECK_FALSE(monitor.may_fetch(cam, {}));
  }
}

TEST_CASE("with a queue, the monitor keeps every pending file as a work item across restarts", "[integration]") {
  tests::temp_dir dir;
  const common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  const auto cam = *common::record::device_id::parse("cam-1");
  const auto db = std::filesystem::path(dir.path()) / "dock.db";
  const dock::pending_file a{5, "a.mp4", 3000, now - 2h};
  const dock::pending_file b{7, "b.mp4", 4000, now - 1h};
  {
    ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, {});
    ingest::schedule::queue_open_options options;
    options.create_if_missing = true;
    auto queue = ingest::schedule::queue_store::open(db, options);
    REQUIRE(queue.has_value());
    monitor.use_queue(std::move(*queue));
    monitor.begin("slot-1");
    monitor.on_plan({cam, 10, 4, 6, 7000, 255, 0}, {a, b});
    REQUIRE(monitor.may_fetch(cam, a));
    monitor.on_file_stored(cam, a);
    monitor.on_file_stored(cam, a);  // a second report of the same file changes nothing
    REQUIRE(monitor.may_fetch(cam, b));
    monitor.on_file_failed(cam, b, "quarantined");
  }
  auto queue = ingest::schedule::queue_store::open(db);
  REQUIRE(queue.has_value());
  auto totals = queue->totals();
  REQUIRE(totals.has_value());
  CHECK(totals->done_items == 1);
  CHECK(totals->done_bytes == 3000);
  CHECK(totals->pending_items == 1);
  CHECK(totals->failed_attempts == 1);
  auto pending = queue->list_pending();
  REQUIRE(pending.has_value());
  REQUIRE(pending->size() == 1);
  CHECK(pending->front().file_name == "b.mp4");
  CHECK(pending->front().deadline == b.recorded_utc + 24h);
}
