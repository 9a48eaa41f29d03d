// What the status says in each state an operator meets (R5 of status_renderers.hpp): no camera docked, a
// refused camera, throughput measured or assumed, the store up or down and since when, totals since when;
// and that the page, the JSON and the metrics say the same thing.
#include "ingest/status/status_renderers.hpp"
#include "tests/ingest/status/status_sample.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace st = bodycam::ingest::status;
using namespace st::testing;

namespace {

// A freshly started dock: three configured slots, no camera ever answered, nothing pending or measured.
st::dock_status empty_dock() {
  st::dock_status s;
  s.dock_id = "dock-hq-1";
  s.generated_utc = t0;
  s.started_utc = t0 - 5min;
  s.store_since = t0 - 5min;
  s.store_checked = t0 - 20s;
  s.totals.throughput_bytes_per_second = 20e6;
  for (const char* name : {"slot-1", "slot-2", "slot-3"}) {
    st::slot_status slot;
    slot.slot = name;
    slot.presence = st::slot_presence::absent;
    slot.presence_since = t0 - 5min;
    slot.activity = "idle";
    slot.last_error = std::string("connect to camera 10.0.0.1") + name[5] + ":7400: Connection refused";
    s.slots.push_back(slot);
  }
  return s;
}

// The HTML of one table row: from "<tr" up to "</tr>" of the row whose first cell is `slot`.
std::string row_of(const std::string& html, const std::string& slot) {
  const auto cell = html.find("<td>" + slot + "</td>");
  REQUIRE(cell != std::string::npos);
  const auto begin = html.rfind("<tr", cell);
  const auto end = html.find("</tr>", cell);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return html.substr(begin, end - begin);
}

double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("no camera docked: every slot says so, with no OK, no green and no bar") {
  const std::string html = st::render_html(empty_dock());
  for (const char* slot : {"slot-1", "slot-2", "slot-3"}) {
    INFO(slot);
    const std::string row = row_of(html, slot);
    CHECK_THAT(row, Catch::Contains("no camera docked"));
    CHECK_THAT(row, Catch::Contains("class=\"absent\""));
    CHECK_FALSE(row.find("class=\"ok\"") != std::string::npos);
    CHECK_FALSE(row.find(">OK") != std::string::npos);
    CHECK_FALSE(row.find("100 %") != std::string::npos);
    CHECK_FALSE(row.find("class=\"bar\"") != std::string::npos);
  }
  CHECK_THAT(html, Catch::Contains("(nothing waiting)"));

  const auto j = nlohmann::json::parse(st::render_json(empty_dock()));
  for (const auto& slot : j["slots"]) {
    CHECK(slot["presence"] == "absent");
    CHECK(slot["presence_since_utc"] == "2026-11-23T07:55:00Z");
    CHECK(slot["connected"] == false);
  }
  for (const auto& slot : j["slots"]) CHECK(slot["progress"].is_null());  // no camera, no progress (not 1)
  const std::string metrics = st::render_metrics(empty_dock());
  CHECK(metrics.find("\nbodycam_dock_slot_progress_ratio{") == std::string::npos);
  CHECK(metric(metrics, R"(bodycam_dock_slot_presence{slot="slot-2",device="",presence="absent"})") == 1);
  CHECK(metric(metrics, R"(bodycam_dock_slot_presence{slot="slot-2",device="",presence="docked"})") == 0);
}

TEST_CASE("connection refused is in the slot's main text, not small print") {
  const std::string row = row_of(st::render_html(empty_dock()), "slot-1");
  CHECK_THAT(row, Catch::Contains("<strong>no camera docked</strong> since 2026-11-23T07:55:00Z<br>connect to camera "
                                  "10.0.0.11:7400: Connection refused"));
  CHECK_FALSE(row.find("<small>") != std::string::npos);
}

TEST_CASE("a refused camera and a failed docking are red headlines with their reasons") {
  auto s = empty_dock();
  s.slots[0].presence = st::slot_presence::refused;
  s.slots[0].last_error = "link to camera 10.0.0.11:7400: peer key is not an enrolled camera";
  s.slots[1].presence = st::slot_presence::failed;
  s.slots[1].device = "cam-02";
  s.slots[1].last_error = "read frame: timed out";
  const std::string html = st::render_html(s);
  const std::string refused = row_of(html, "slot-1");
  CHECK_THAT(refused, Catch::Contains("class=\"refused\""));
  CHECK_THAT(refused, Catch::Contains("<strong>REFUSED</strong> since 2026-11-23T07:55:00Z<br>link to camera"));
  const std::string failed = row_of(html, "slot-2");
  CHECK_THAT(failed, Catch::Contains("<strong>DOCKING FAILED</strong>"));
  CHECK_THAT(failed, Catch::Contains("read frame: timed out"));
  CHECK_FALSE(failed.find(">OK") != std::string::npos);
  const auto j = nlohmann::json::parse(st::render_json(s));
  CHECK(j["slots"][0]["presence"] == "refused");
  CHECK(j["slots"][1]["presence"] == "failed");
  CHECK(j["slots"][1]["last_error"] == "read frame: timed out");
  const std::string metrics = st::render_metrics(s);
  CHECK(metric(metrics, R"(bodycam_dock_slot_presence{slot="slot-1",device="",presence="refused"})") == 1);
  CHECK(metric(metrics, R"(bodycam_dock_slot_presence{slot="slot-2",device="cam-02",presence="failed"})") == 1);
}

TEST_CASE("a docked camera shows its battery, progress and OK; an overdue absent camera still shows OVERDUE") {
  const std::string html = st::render_html(sample_status());
  const std::string docked = row_of(html, "slot-1");
  CHECK_THAT(docked, Catch::Contains("docked, link up since 2026-11-23T07:45:00Z"));
  CHECK_THAT(docked, Catch::Contains("87 %"));
  CHECK_THAT(docked, Catch::Contains("class=\"bar\""));
  CHECK_THAT(docked, Catch::Contains("25 %"));

  auto s = empty_dock();
  s.slots[2].device = "cam-03";
  s.slots[2].pending_records = 4;
  s.slots[2].pending_bytes = 4'000'000;
  s.slots[2].alarm = st::alarm_state::overdue;
  s.slots[2].battery_percent = 55;  // from its last docking: not shown as if it were there now
  const std::string overdue = row_of(st::render_html(s), "slot-3");
  CHECK_THAT(overdue, Catch::Contains("no camera docked"));
  CHECK_THAT(overdue, Catch::Contains("OVERDUE"));
  CHECK_THAT(overdue, Catch::Contains("class=\"overdue\""));
  CHECK_FALSE(overdue.find("55 %") != std::string::npos);

  s.slots[1].presence = st::slot_presence::docked;
  s.slots[1].device = "cam-02";
  s.slots[1].last_error.clear();
  s.slots[1].presence_since = t0 - 1min;
  const std::string done = row_of(st::render_html(s), "slot-2");
  CHECK_THAT(done, Catch::Contains("docked; last docking ended well at 2026-11-23T07:59:00Z"));
  CHECK_THAT(done, Catch::Contains("nothing to store"));
  CHECK_THAT(done, Catch::Contains("OK, nothing pending"));
}

TEST_CASE("throughput: 'assumed (configured)' until a file is measured, then measured with its window") {
  const auto assumed = empty_dock();
  CHECK_THAT(st::render_html(assumed), Catch::Contains("20.0 MB/s, assumed (configured)"));
  CHECK_FALSE(st::render_html(assumed).find("measured:") != std::string::npos);
  auto j = nlohmann::json::parse(st::render_json(assumed));
  CHECK(j["totals"]["throughput_source"] == "assumed");
  CHECK(j["totals"]["throughput_samples"] == 0);
  CHECK(j["totals"]["throughput_window_start_utc"].is_null());
  CHECK(metric(st::render_metrics(assumed), "bodycam_dock_throughput_measured") == 0);

  const auto measured = sample_status();
  CHECK_THAT(st::render_html(measured),
             Catch::Contains("12.5 MB/s, measured: moving average over 14 files stored from 2026-11-23T06:50:00Z "
                             "to 2026-11-23T07:59:00Z"));
  j = nlohmann::json::parse(st::render_json(measured));
  CHECK(j["totals"]["throughput_source"] == "measured");
  CHECK(j["totals"]["throughput_samples"] == 14);
  CHECK(j["totals"]["throughput_window_start_utc"] == "2026-11-23T06:50:00Z");
  CHECK(j["totals"]["throughput_window_end_utc"] == "2026-11-23T07:59:00Z");
  const std::string metrics = st::render_metrics(measured);
  CHECK(metric(metrics, "bodycam_dock_throughput_measured") == 1);
  CHECK(metric(metrics, "bodycam_dock_throughput_samples_total") == 14);
}

TEST_CASE("store: up or down, since when, last checked; the same in all three outputs") {
  auto up = empty_dock();
  CHECK_THAT(st::render_html(up),
             Catch::Contains("Store: up since 2026-11-23T07:55:00Z (last checked 2026-11-23T07:59:40Z)"));
  auto j = nlohmann::json::parse(st::render_json(up));
  CHECK(j["store"]["available"] == true);
  CHECK(j["store"]["since_utc"] == "2026-11-23T07:55:00Z");
  CHECK(j["store"]["checked_utc"] == "2026-11-23T07:59:40Z");
  CHECK(metric(st::render_metrics(up), "bodycam_dock_store_available") == 1);
  CHECK(metric(st::render_metrics(up), "bodycam_dock_store_state_since_seconds") ==
        Approx(std::chrono::duration<double>((t0 - 5min).time_since_epoch()).count()));

  const auto down = sample_status();
  const std::string html = st::render_html(down);
  CHECK_THAT(html, Catch::Contains("Store: DOWN since 2026-11-23T07:40:00Z (store unavailable): write objects/"));
  CHECK_THAT(html, Catch::Contains("<title>Dock dock-hq-1 — AT RISK, store down</title>"));
  j = nlohmann::json::parse(st::render_json(down));
  CHECK(j["store"]["available"] == false);
  CHECK(j["store"]["since_utc"] == "2026-11-23T07:40:00Z");
  CHECK(metric(st::render_metrics(down), "bodycam_dock_store_available") == 0);

  auto unknown = empty_dock();
  unknown.store_since.reset();
  unknown.store_checked.reset();
  CHECK_THAT(st::render_html(unknown), Catch::Contains("Store: not checked yet"));
  CHECK(nlohmann::json::parse(st::render_json(unknown))["store"]["since_utc"].is_null());
  CHECK(st::render_metrics(unknown).find("\nbodycam_dock_store_state_since_seconds ") == std::string::npos);
}

TEST_CASE("totals say since when they count") {
  const auto s = sample_status();
  const std::string html = st::render_html(s);
  CHECK_THAT(html, Catch::Contains("<th>Stored since 2026-11-23T06:30:00Z (daemon start)</th><td>123.46 GB, 4567 "
                                   "records, 321 files</td>"));
  CHECK_THAT(html, Catch::Contains("<th>Receipts issued since 2026-11-23T06:30:00Z (daemon start)</th><td>40</td>"));
  CHECK(nlohmann::json::parse(st::render_json(s))["totals"]["counted_since_utc"] == "2026-11-23T06:30:00Z");
  const std::string metrics = st::render_metrics(s);
  CHECK_THAT(metrics, Catch::Contains("# HELP bodycam_dock_bytes_stored_total Bytes stored and re-hashed in the store "
                                      "since the daemon started"));
  CHECK(metric(metrics, "bodycam_dock_start_time_seconds") ==
        Approx(std::chrono::duration<double>(s.started_utc.time_since_epoch()).count()));
}

TEST_CASE("malformed and oversized requests have their own replies") {
  const auto bad = st::malformed_request_reply("bad method\r\n\x01<script>");
  CHECK(bad.status_code == 400);
  CHECK(bad.body == "400 bad request: bad method\?\?\?<script>\n");
  CHECK(bad.content_type == "text/plain; charset=utf-8");
  CHECK(st::oversized_request_reply().status_code == 413);
}
