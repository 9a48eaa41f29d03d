// What the monitor tells the status page beyond the scheduler (M4-M6 of dock_monitor.hpp): a slot's presence
// and since when, the throughput measured or assumed, the store up or down and since when; and the store probe.
#include "common/store/memory_backend.hpp"
#include "ingest/dockd/dock_monitor.hpp"
#include "ingest/dockd/store_probe.hpp"
#include "ingest/status/status_renderers.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace std::chrono_literals;
namespace dock = bodycam::ingest::dock;
namespace st = bodycam::ingest::status;

TEST_CASE("a slot is absent, refused, docked or failed, each since it last changed (M5)") {
  common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  const auto t0 = now;
  ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, {});
  monitor.begin("slot-1");
  CHECK(monitor.snapshot().slots.at(0).presence == st::slot_presence::not_checked);

  const common::core::error refused_tcp{common::core::errc::io,
                                        "connect to camera 127.0.0.1:7400: connect: Connection refused"};
  const common::core::error bad_key{common::core::errc::bad_signature,
                                    "link to camera 127.0.0.1:7400: handshake: peer is not an enrolled camera"};
  CHECK(ingest::dockd::presence_after_link_failure(refused_tcp) == st::slot_presence::absent);
  CHECK(ingest::dockd::presence_after_link_failure(bad_key) == st::slot_presence::refused);

  monitor.set_presence("slot-1", st::slot_presence::absent, refused_tcp.context);
  now += 10s;
  monitor.set_presence("slot-1", st::slot_presence::absent, refused_tcp.context);  // the next poll: still absent
  auto s = monitor.snapshot().slots.at(0);
  CHECK(s.presence == st::slot_presence::absent);
  CHECK(s.presence_since == t0);  // since the first time, not the last poll
  CHECK_FALSE(s.connected);
  CHECK(s.last_error == refused_tcp.context);

  now += 10s;
  monitor.set_presence("slot-1", st::slot_presence::refused, bad_key.context);
  s = monitor.snapshot().slots.at(0);
  CHECK(s.presence == st::slot_presence::refused);
  CHECK(s.presence_since == t0 + 20s);

  now += 10s;
  monitor.set_connected("slot-1", true);
  s = monitor.snapshot().slots.at(0);
  CHECK(s.presence == st::slot_presence::docked);
  CHECK(s.connected);
  CHECK(s.presence_since == t0 + 30s);
  CHECK(s.last_error.empty());

  now += 10s;
  monitor.set_connected("slot-1", false);  // the docking ended well
  s = monitor.snapshot().slots.at(0);
  CHECK(s.presence == st::slot_presence::docked);
  CHECK_FALSE(s.connected);
  CHECK(s.presence_since == t0 + 40s);

  now += 10s;
  monitor.set_connected("slot-1", true);
  monitor.set_connected("slot-1", false, "read frame: timed out");
  s = monitor.snapshot().slots.at(0);
  CHECK(s.presence == st::slot_presence::failed);
  CHECK(s.last_error == "read frame: timed out");
}

TEST_CASE("throughput is assumed until a stored file measures it, then measured with its window (M4)") {
  common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  ingest::dockd::monitor_options options;
  options.throughput.initial_bytes_per_second = 5e6;
  ingest::dockd::dock_monitor monitor(
      "dock-1", [&] { return now; }, {}, options);
  const auto cam = *common::record::device_id::parse("cam-1");
  auto before = monitor.snapshot().totals;
  CHECK_FALSE(before.throughput_measured);
  CHECK(before.throughput_bytes_per_second == 5e6);
  CHECK(before.throughput_samples == 0);
  CHECK_FALSE(before.throughput_window_start);

  monitor.begin("slot-1");
  monitor.set_connected("slot-1", true);
  const dock::pending_file a{5, "a.mp4", 3'000'000, now - 1h};
  const dock::pending_file b{6, "b.mp4", 3'000'000, now - 1h};
  REQUIRE(monitor.may_fetch(cam, a));
  now += 5s;
  monitor.on_file_stored(cam, a);
  REQUIRE(monitor.may_fetch(cam, b));
  now += 7s;
  monitor.on_file_stored(cam, b);
  const auto after = monitor.snapshot().totals;
  CHECK(after.throughput_measured);
  CHECK(after.throughput_samples == 2);
  CHECK(after.throughput_window_start == now - 7s);
  CHECK(after.throughput_window_end == now);
  CHECK(after.throughput_bytes_per_second != 5e6);  // the measured rate replaced the configured one
}

TEST_CASE("the store is up or down since it changed; a probe does not clear a session's store failure (M6)") {
  common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  const auto t0 = now;
  std::vector<std::string> log;
  ingest::dockd::dock_monitor monitor(
      "dock-1", [&] { return now; }, [&](const std::string& l) { log.push_back(l); });
  CHECK_FALSE(monitor.snapshot().store_since);  // not checked yet

  common::store::store roomy(std::make_unique<common::store::memory_backend>());
  common::store::store full(std::make_unique<common::store::memory_backend>(1024));
  CHECK(ingest::dockd::probe_store(roomy, 1024));
  auto full_probe = ingest::dockd::probe_store(full, 4096);
  REQUIRE_FALSE(full_probe);
  CHECK(full_probe.error().code == common::core::errc::no_space);
  CHECK_THAT(full_probe.error().context, Catch::Contains("memory store"));

  monitor.set_store_probe(ingest::dockd::probe_store(roomy, 1024));
  now += 10s;
  monitor.set_store_probe(ingest::dockd::probe_store(roomy, 1024));
  auto s = monitor.snapshot();
  CHECK(s.store_available);
  CHECK(s.store_since == t0);
  CHECK(s.store_checked == t0 + 10s);

  now += 10s;
  monitor.set_store_probe(full_probe);
  s = monitor.snapshot();
  CHECK_FALSE(s.store_available);
  CHECK(s.store_since == t0 + 20s);
  CHECK_THAT(s.store_error, Catch::Contains("bytes free"));
  REQUIRE(log.size() == 1);
  CHECK(log[0].starts_with("store down: probe store memory store"));

  now += 10s;
  monitor.set_store_probe(ingest::dockd::probe_store(roomy, 1024));  // space is back
  CHECK(monitor.snapshot().store_available);
  CHECK(monitor.snapshot().store_since == t0 + 30s);

  const auto cam = *common::record::device_id::parse("cam-1");
  monitor.begin("slot-1");
  now += 10s;
  monitor.on_alarm(cam, dock::alarm_kind::store_failed, "write object: Input/output error");
  monitor.set_store_probe(ingest::dockd::probe_store(roomy, 1024));  // reads fine, writes still failed
  s = monitor.snapshot();
  CHECK_FALSE(s.store_available);
  CHECK(s.store_since == t0 + 40s);
  CHECK(s.store_error == "write object: Input/output error");
  now += 10s;
  monitor.on_receipt(cam, 7);
  s = monitor.snapshot();
  CHECK(s.store_available);
  CHECK(s.store_since == t0 + 50s);
}

TEST_CASE("a witness down or refusing raises its own alarm in /status.json, cleared by its next cosignature") {
  common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  std::vector<std::string> lines;
  ingest::dockd::dock_monitor monitor("dock-1", [&] { return now; }, [&](const std::string& l) { lines.push_back(l); });
  ingest::dockd::witness_endpoint w;
  w.name = "witness-1";
  w.url = "http://127.0.0.1:8480";
  monitor.set_witnesses({w});
  auto json = nlohmann::json::parse(st::render_json(monitor.snapshot()));
  REQUIRE(json["witnesses"].size() == 1);
  CHECK(json["witnesses"][0]["state"] == "not_tried");
  CHECK(json["witnesses"][0]["alarm"].is_null());

  using ingest::dockd::submission_result;
  monitor.on_witness({"witness-1", w.url, submission_result::unreachable, 12, "witness witness-1: connect: refused"});
  json = nlohmann::json::parse(st::render_json(monitor.snapshot()));
  CHECK(json["witnesses"][0]["state"] == "unreachable");
  CHECK(json["witnesses"][0]["alarm"] == "witness_unreachable");
  CHECK(json["witnesses"][0]["cosigned_size"].is_null());
  CHECK(json["witnesses"][0]["last_error"] == "witness witness-1: connect: refused");
  CHECK(json["alarm"] == "ok");  // the dock's deadline alarm is not the witness's
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("ALARM witness_unreachable"));
  CHECK_THAT(st::render_html(monitor.snapshot()),
             Catch::Contains("<h2>Witnesses</h2>") && Catch::Contains("<td>witness_unreachable</td>"));

  now += 60s;
  monitor.on_witness({"witness-1", w.url, submission_result::refused, 12, "HTTP 409: two roots at size 12"});
  json = nlohmann::json::parse(st::render_json(monitor.snapshot()));
  CHECK(json["witnesses"][0]["alarm"] == "witness_refused");
  CHECK(lines.size() == 2);

  now += 60s;
  monitor.on_witness({"witness-1", w.url, submission_result::cosigned, 15, ""});
  json = nlohmann::json::parse(st::render_json(monitor.snapshot()));
  CHECK(json["witnesses"][0]["state"] == "cosigned");
  CHECK(json["witnesses"][0]["alarm"].is_null());
  CHECK(json["witnesses"][0]["cosigned_size"] == 15);
  CHECK(lines.size() == 3);
}

TEST_CASE("a store that does not answer within its retry budget raises store_unreachable, cleared by any answer (M6)") {
  common::record::utc_time now{std::chrono::seconds(1'795'000'000)};
  const auto t0 = now;
  std::vector<std::string> log;
  ingest::dockd::dock_monitor monitor(
      "dock-1", [&] { return now; }, [&](const std::string& l) { log.push_back(l); });
  common::store::store roomy(std::make_unique<common::store::memory_backend>());
  monitor.set_store_probe(ingest::dockd::probe_store(roomy, 1024));
  const auto cam = *common::record::device_id::parse("cam-1");
  monitor.begin("slot-1");
  now += 10s;
  const std::string why = "store unreachable: put objects/sha256/ab: no answer from s3 store http://a/b after 10 attempts";
  monitor.on_alarm(cam, dock::alarm_kind::store_unreachable, why);
  auto s = monitor.snapshot();
  CHECK_FALSE(s.store_available);
  CHECK(s.store_alarm == "store_unreachable");
  CHECK(s.store_error == why);
  CHECK(s.store_since == t0 + 10s);
  const auto json = nlohmann::json::parse(ingest::status::render_json(s));
  CHECK(json.at("store").at("alarm") == "store_unreachable");
  CHECK(json.at("store").at("available") == false);
  REQUIRE(log.size() >= 2);
  CHECK(std::find(log.begin(), log.end(), "ALARM store_unreachable cam-1: " + why) != log.end());

  now += 10s;  // the store answers a probe again: an outage, unlike a refused write, ends with any answer
  monitor.set_store_probe(ingest::dockd::probe_store(roomy, 1024));
  s = monitor.snapshot();
  CHECK(s.store_available);
  CHECK(s.store_alarm.empty());
  CHECK(s.store_since == t0 + 20s);
  CHECK(nlohmann::json::parse(ingest::status::render_json(s)).at("store").at("alarm").is_null());
  CHECK(log.back() == "store up again (store_unreachable cleared)");
}
