// The dock monitor: what the status page shows from what sessions report.
#include "ingest/dockd/dock_monitor.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

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
    monitor.on_stored(cam, 0, 1000);
    CHECK(monitor.snapshot().slots[0].done_bytes == 1000);
    CHECK(monitor.snapshot().totals.pending_bytes == 2000);
  }
  SECTION("without a queue the monitor raises no deadline alarm of its own (one rule: the scheduler's)") {
    monitor.on_plan(state, {{5, "a.mp4", 3000, now - 25h}});
    auto s = monitor.snapshot();
    CHECK(s.slots[0].alarm == ingest::status::alarm_state::ok);
    CHECK(s.alarm == ingest::status::alarm_state::ok);
    CHECK(s.totals.devices_overdue == 0);
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

namespace {
ingest::schedule::queue_store open_queue(const std::filesystem::path& db) {
  ingest::schedule::queue_open_options options;
  options.create_if_missing = true;
  auto queue = ingest::schedule::queue_store::open(db, options);
  REQUIRE(queue.has_value());
  return std::move(*queue);
}
}  // namespace

TEST_CASE("with a queue, slot and dock alarms are the scheduler's, and each transition is logged", "[integration]") {
  tests::temp_dir dir;
  common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  const auto cam1 = *common::record::device_id::parse("cam-1");
  const auto cam2 = *common::record::device_id::parse("cam-2");
  const auto db = std::filesystem::path(dir.path()) / "dock.db";
  std::vector<std::string> log;
  const dock::pending_file late{5, "a.mp4", 3000, now - 22h - 30min};  // 1.5 h left: under the 2 h margin (A2)
  const dock::pending_file fresh{9, "c.mp4", 3000, now - 1h};
  {
    ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, [&](const std::string& l) { log.push_back(l); });
    monitor.use_queue(open_queue(db));
    monitor.begin("slot-1");
    monitor.on_plan({cam1, 10, 4, 6, 3000, 255, 0}, {late});
    monitor.begin("slot-2");  // the same thread now serves slot-2 (the test plays both workers)
    monitor.on_plan({cam2, 10, 8, 2, 3000, 255, 0}, {fresh});
    auto s = monitor.snapshot();
    REQUIRE(s.slots.size() == 2);
    CHECK(s.slots[0].device == "cam-1");
    CHECK(s.slots[0].alarm == ingest::status::alarm_state::at_risk);
    CHECK(*s.slots[0].time_to_deadline == 90min);
    REQUIRE(s.slots[0].slack.has_value());
    CHECK(*s.slots[0].slack < 2h);
    CHECK(s.slots[1].alarm == ingest::status::alarm_state::ok);
    CHECK(s.alarm == ingest::status::alarm_state::at_risk);
    CHECK(s.totals.devices_at_risk == 1);
    CHECK(s.totals.pending_bytes == 6000);
    REQUIRE(s.totals.oldest_pending_recorded.has_value());
    CHECK(*s.totals.oldest_pending_recorded == late.recorded_utc);

    now += 2h;  // nothing stored; the timer re-assesses: past cam-1's deadline
    monitor.reassess();
    s = monitor.snapshot();
    CHECK(s.slots[0].alarm == ingest::status::alarm_state::overdue);
    CHECK(s.alarm == ingest::status::alarm_state::overdue);
    CHECK(s.totals.devices_overdue == 1);
    monitor.reassess();  // the same state again: no new event

    monitor.begin("slot-1");
    REQUIRE(monitor.may_fetch(cam1, late));
    monitor.on_file_stored(cam1, late);  // stored: re-assessed at once, back to ok
    s = monitor.snapshot();
    CHECK(s.slots[0].alarm == ingest::status::alarm_state::ok);
    CHECK(s.alarm == ingest::status::alarm_state::ok);
    CHECK(s.totals.pending_bytes == 3000);
    CHECK(s.totals.throughput_bytes_per_second > 0);
  }
  std::vector<std::string> alarms;
  for (const auto& l : log)
    if (l.rfind("ALARM ", 0) == 0) alarms.push_back(l);
  REQUIRE(alarms.size() == 3);
  CHECK(alarms[0].rfind("ALARM at_risk cam-1", 0) == 0);
  CHECK(alarms[1].rfind("ALARM overdue cam-1", 0) == 0);
  CHECK(alarms[2].rfind("ALARM ok cam-1", 0) == 0);
  auto queue = ingest::schedule::queue_store::open(db);
  REQUIRE(queue.has_value());
  auto logged = queue->list_alarms();
  REQUIRE(logged.has_value());
  REQUIRE(logged->size() == 3);
  CHECK((*logged)[0].to == ingest::schedule::alarm_state::at_risk);
  CHECK((*logged)[1].to == ingest::schedule::alarm_state::overdue);
  CHECK((*logged)[2].to == ingest::schedule::alarm_state::ok);
  for (const auto& e : *logged) CHECK(e.device == cam1);
}

TEST_CASE("cameras' sessions fetch in deadline order across slots: the monitor's upload slot", "[integration]") {
  tests::temp_dir dir;
  const common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  ingest::dockd::monitor_options options;
  options.slot_wait = 60s;  // longer than the test can take: the order is the arbiter's, never a timeout
  ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, {}, options);
  monitor.use_queue(open_queue(std::filesystem::path(dir.path()) / "dock.db"));
  std::mutex mutex;
  std::vector<std::string> order;
  const auto holder = *common::record::device_id::parse("cam-0");
  const dock::pending_file first{1, "h.mp4", 10, now - 1h};
  monitor.begin("slot-0");
  REQUIRE(monitor.may_fetch(holder, first));  // slot-0 holds the only upload slot
  // Three more cameras' sessions ask for it, each for a file of a different age.
  const std::vector<std::pair<std::string, std::chrono::hours>> ages{{"cam-1", 2h}, {"cam-2", 20h}, {"cam-3", 9h}};
  std::vector<std::thread> sessions;
  for (std::size_t i = 0; i < ages.size(); ++i)
    sessions.emplace_back([&, i] {
      const auto device = *common::record::device_id::parse(ages[i].first);
      const dock::pending_file f{3, "f.mp4", 100, now - ages[i].second};
      monitor.begin("slot-" + std::to_string(i + 1));
      if (!monitor.may_fetch(device, f)) return;
      {
        std::lock_guard lock(mutex);
        order.push_back(ages[i].first);
      }
      monitor.on_file_stored(device, f);  // gives the slot back
    });
  bool all_waiting = false;
  for (int i = 0; i < 10'000 && !all_waiting; ++i) {  // bounded: until the three sessions are blocked
    // Queued at the gate, not only marked as waiting: CI once released the slot between the two, when cam-2 had
    // not queued yet, and cam-3 got it first.
    auto s = monitor.snapshot();
    all_waiting = std::count_if(s.slots.begin(), s.slots.end(), [](const auto& slot) {
                    return slot.activity == "waiting for an upload slot";
                  }) == 3 &&
                  monitor.waiting_for_upload() == 3;
    if (!all_waiting) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(all_waiting);
  monitor.on_file_stored(holder, first);
  for (auto& t : sessions) t.join();
  CHECK(order == std::vector<std::string>{"cam-2", "cam-3", "cam-1"});  // oldest footage, earliest deadline, first
}

TEST_CASE("a stop request wakes a session waiting for an upload slot") {
  const common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  ingest::dockd::monitor_options options;
  options.slot_wait = 60s;
  ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, {}, options);
  const auto cam = *common::record::device_id::parse("cam-1");
  monitor.begin("slot-1");
  REQUIRE(monitor.may_fetch(cam, {1, "a.mp4", 10, now}));
  bool fetched = true;
  std::thread other([&] {
    monitor.begin("slot-2");
    fetched = monitor.may_fetch(*common::record::device_id::parse("cam-2"), {1, "b.mp4", 10, now});
  });
  bool waiting = false;
  for (int i = 0; i < 10'000 && !waiting; ++i) {
    auto s = monitor.snapshot();
    waiting = s.slots.size() == 2 && s.slots[1].activity == "waiting for an upload slot";
    if (!waiting) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(waiting);
  monitor.request_stop();
  other.join();
  CHECK_FALSE(fetched);
  monitor.end_session("slot-1");
}

TEST_CASE("a camera storing files side by side keeps its upload slot until the last one ends, and yields it to "
          "footage due earlier", "[integration]") {
  tests::temp_dir dir;
  const common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  ingest::dockd::monitor_options options;
  options.slot_wait = 60s;  // longer than the test can take: every outcome here is the gate's, never a timeout
  ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, {}, options);
  const auto db = std::filesystem::path(dir.path()) / "dock.db";
  monitor.use_queue(open_queue(db));
  const auto holder = *common::record::device_id::parse("cam-0");
  const dock::pending_file a{1, "a.mp4", 10, now - 1h}, b{2, "b.mp4", 10, now - 1h}, c{3, "c.mp4", 10, now - 1h};
  monitor.begin("slot-0");
  CHECK_FALSE(monitor.may_fetch_more(holder, a));  // no grant yet: more of nothing
  REQUIRE(monitor.may_fetch(holder, a));
  CHECK(monitor.may_fetch_more(holder, b));  // nobody waits: b is fetched while a is stored

  // A camera with newer footage waits: the holder's next file is due first, so it goes on.
  std::atomic<bool> newer_granted = false;
  std::thread newer([&] {
    const auto device = *common::record::device_id::parse("cam-1");
    const dock::pending_file f{1, "n.mp4", 10, now};
    monitor.begin("slot-1");
    newer_granted = monitor.may_fetch(device, f);
    if (newer_granted) monitor.on_file_stored(device, f);
  });
  bool queued = false;
  for (int i = 0; i < 10'000 && !queued; ++i) {  // bounded: until it is queued at the gate
    queued = monitor.waiting_for_upload() == 1;
    if (!queued) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(queued);
  CHECK(monitor.may_fetch_more(holder, c));
  monitor.on_file_stored(holder, a);
  monitor.on_file_stored(holder, b);
  CHECK(monitor.waiting_for_upload() == 1);  // c still holds the slot: released after the last file only
  CHECK_FALSE(newer_granted);

  // A camera with older footage queues: the holder's next file is not the most urgent any more.
  const dock::pending_file d{4, "d.mp4", 10, now - 1h};
  std::atomic<bool> older_granted = false;
  std::thread older([&] {
    const auto device = *common::record::device_id::parse("cam-2");
    const dock::pending_file f{1, "o.mp4", 10, now - 20h};
    monitor.begin("slot-2");
    older_granted = monitor.may_fetch(device, f);
    if (older_granted) monitor.on_file_stored(device, f);
  });
  queued = false;
  for (int i = 0; i < 10'000 && !queued; ++i) {
    queued = monitor.waiting_for_upload() == 2;
    if (!queued) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(queued);
  CHECK_FALSE(monitor.may_fetch_more(holder, d));  // its session drains and queues again
  monitor.on_file_stored(holder, c);               // the last file: the slot goes to the oldest footage
  older.join();
  newer.join();
  CHECK(older_granted);
  CHECK(newer_granted);
  auto queue = ingest::schedule::queue_store::open(db);
  REQUIRE(queue.has_value());
  auto totals = queue->totals();
  REQUIRE(totals.has_value());
  CHECK(totals->done_items == 5);  // a, b, c and the two other cameras' files; d was never fetched
  auto pending = queue->list_pending();
  REQUIRE(pending.has_value());
  REQUIRE(pending->size() == 1);
  CHECK(pending->front().file_name == "d.mp4");
  CHECK(monitor.snapshot().totals.throughput_samples == 5);
}
