// The status renderers and router, without sockets (R1-R4 of status_renderers.hpp).
#include "ingest/status/status_renderers.hpp"
#include "tests/ingest/status/status_sample.hpp"

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace st = bodycam::ingest::status;
using namespace st::testing;

TEST_CASE("format helpers") {
  CHECK(st::format_utc(t0) == "2026-11-23T08:00:00Z");
  CHECK(st::format_utc(t0 + 1500ms) == "2026-11-23T08:00:01Z");
  CHECK(st::format_duration(45s) == "45 s");
  CHECK(st::format_duration(12min + 59s) == "12 min");
  CHECK(st::format_duration(3h + 5min) == "3 h 05 min");
  CHECK(st::format_duration(-(2h + 30min)) == "-2 h 30 min");
  CHECK(st::format_duration(-500ms) == "0 s");
  CHECK(st::escape_html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  CHECK(st::escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
}

TEST_CASE("slot progress is done/total, 1 when there is nothing to do") {
  st::slot_status s;
  CHECK(s.progress() == 1.0);
  s.total_bytes = 400;
  s.done_bytes = 100;
  CHECK(s.progress() == Approx(0.25));
  s.done_bytes = 900;  // more done than known at the start: capped
  CHECK(s.progress() == 1.0);
}

TEST_CASE("render_json: every field, times as RFC 3339, absent values null (R1)") {
  const auto j = nlohmann::json::parse(st::render_json(sample_status()));
  CHECK(j["format"] == "bodycam-dock-status-v1");
  CHECK(j["dock_id"] == "dock-hq-1");
  CHECK(j["generated_utc"] == "2026-11-23T08:00:00Z");
  CHECK(j["started_utc"] == "2026-11-23T06:30:00Z");
  CHECK(j["alarm"] == "at_risk");
  CHECK(j["store"]["available"] == false);
  CHECK(j["totals"]["bytes_stored"] == 123'456'789'000);
  CHECK(j["totals"]["records_stored"] == 4567);
  CHECK(j["totals"]["verify_failures"] == 2);
  CHECK(j["totals"]["deadline_slack_seconds"] == -750);
  CHECK(j["totals"]["oldest_pending_recorded_utc"] == "2026-11-22T07:00:00Z");
  CHECK(j["totals"]["oldest_pending_age_seconds"] == 25 * 3600);
  CHECK(j["totals"]["devices_overdue"] == 1);
  REQUIRE(j["slots"].size() == 3);
  const auto& a = j["slots"][0];
  CHECK(a["slot"] == "slot-1");
  CHECK(a["device"] == "cam-01");
  CHECK(a["connected"] == true);
  CHECK(a["battery_percent"] == 87);
  CHECK(a["pending_bytes"] == 3'000'000'000);
  CHECK(a["progress"].get<double>() == Approx(0.25));
  CHECK(a["time_to_deadline_seconds"] == 7500);
  CHECK(a["slack_seconds"] == 3900);
  CHECK(a["alarm"] == "at_risk");
  CHECK(j["slots"][1]["device"] == "<script>alert(\"x\")</script>");  // JSON carries it verbatim, escaped
  CHECK(j["slots"][1]["time_to_deadline_seconds"] == -720);
  CHECK(j["slots"][2]["device"].is_null());
  CHECK(j["slots"][2]["battery_percent"].is_null());
  CHECK(j["slots"][2]["time_to_deadline_seconds"].is_null());

  st::dock_status empty;
  empty.dock_id = "d";
  empty.slots.push_back({});
  empty.slots[0].device = std::string("cam-\xff\xfe");  // invalid UTF-8 from a device must not throw
  const auto e = nlohmann::json::parse(st::render_json(empty));
  CHECK(e["totals"]["deadline_slack_seconds"].is_null());
  CHECK(e["totals"]["oldest_pending_recorded_utc"].is_null());
  CHECK(e["slots"][0]["device"].get<std::string>().starts_with("cam-"));
}

// A small parser of the Prometheus text format 0.0.4, strict enough to catch what a scraper would refuse.
struct parsed_metrics {
  std::map<std::string, std::string> types;
  std::map<std::string, std::string> helps;
  std::map<std::string, double> samples;  // "name{labels}" -> value
};

parsed_metrics parse_metrics(const std::string& text) {
  parsed_metrics out;
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+]+|NaN|[+-]Inf))");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      INFO(line);
      CHECK_FALSE(out.helps.contains(m[1]));
      CHECK(out.types.count(m[1]) == 0);  // HELP comes before TYPE
      out.helps[m[1]] = m[2];
    } else if (std::regex_match(line, m, type)) {
      INFO(line);
      CHECK_FALSE(out.types.contains(m[1]));
      out.types[m[1]] = m[2];
    } else if (std::regex_match(line, m, sample)) {
      INFO(line);
      CHECK(out.types.contains(m[1]));  // every sample after its family's TYPE
      std::string key = m[1].str() + m[2].str();
      CHECK_FALSE(out.samples.contains(key));
      out.samples[key] = std::stod(m[5].str() == "NaN" ? "nan" : m[5].str());
    } else {
      FAIL("not a valid exposition line: '" << line << "'");
    }
  }
  return out;
}

TEST_CASE("render_metrics: Prometheus text 0.0.4 with HELP and TYPE, counters end in _total (R2)") {
  const std::string text = st::render_metrics(sample_status());
  CHECK(text.back() == '\n');
  const auto m = parse_metrics(text);
  for (const auto& [name, type] : m.types) {
    INFO(name);
    CHECK(m.helps.contains(name));
    if (type == "counter") CHECK(name.ends_with("_total"));
  }
  CHECK(m.samples.at("bodycam_dock_bytes_stored_total") == 123'456'789'000.0);
  CHECK(m.samples.at("bodycam_dock_records_stored_total") == 4567);
  CHECK(m.samples.at("bodycam_dock_verify_failures_total") == 2);
  CHECK(m.samples.at("bodycam_dock_deadline_slack_seconds") == -750);
  CHECK(m.samples.at("bodycam_dock_oldest_pending_age_seconds") == 25 * 3600);
  CHECK(m.samples.at("bodycam_dock_pending_bytes") == 3e9);
  CHECK(m.samples.at("bodycam_dock_throughput_bytes_per_second") == Approx(12'500'000.5));
  CHECK(m.samples.at("bodycam_dock_store_available") == 0);
  CHECK(m.samples.at("bodycam_dock_alarm{state=\"at_risk\"}") == 1);
  CHECK(m.samples.at("bodycam_dock_alarm{state=\"ok\"}") == 0);
  CHECK(m.samples.at("bodycam_dock_slot_battery_percent{slot=\"slot-1\",device=\"cam-01\"}") == 87);
  CHECK(m.samples.at("bodycam_dock_slot_progress_ratio{slot=\"slot-1\",device=\"cam-01\"}") == 0.25);
  CHECK(m.samples.at("bodycam_dock_slot_deadline_seconds{slot=\"slot-1\",device=\"cam-01\"}") == 7500);
  CHECK(m.samples.at("bodycam_dock_slot_alarm_state{slot=\"slot-2\",device=\"<script>alert(\\\"x\\\")</script>\"}") ==
        2);
  CHECK_FALSE(m.samples.contains("bodycam_dock_slot_battery_percent{slot=\"slot-3\",device=\"\"}"));

  SECTION("with nothing pending the slack and age samples are absent but still described") {
    const auto idle = parse_metrics(st::render_metrics(st::dock_status{}));
    CHECK(idle.types.contains("bodycam_dock_deadline_slack_seconds"));
    CHECK_FALSE(idle.samples.contains("bodycam_dock_deadline_slack_seconds"));
    CHECK_FALSE(idle.samples.contains("bodycam_dock_oldest_pending_age_seconds"));
    CHECK(idle.samples.at("bodycam_dock_alarm{state=\"ok\"}") == 1);
  }
}

TEST_CASE("render_html: one self-contained page, every status text escaped (R3)") {
  const std::string html = st::render_html(sample_status());
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("dock-hq-1"));
  CHECK_THAT(html, Catch::Contains("cam-01"));
  CHECK_THAT(html, Catch::Contains("87 %"));
  CHECK_THAT(html, Catch::Contains("25 %"));           // progress
  CHECK_THAT(html, Catch::Contains("in 2 h 05 min"));  // time to deadline
  CHECK_THAT(html, Catch::Contains("overdue by 12 min"));
  CHECK_THAT(html, Catch::Contains("3.00 GB (120 records)"));  // pending
  CHECK_THAT(html, Catch::Contains("store unavailable"));
  CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  CHECK_THAT(html, Catch::Contains("not an enrolled camera &amp; &quot;unknown&quot;"));
  CHECK_FALSE(html.find("<script") != std::string::npos);
  CHECK_FALSE(html.find("src=") != std::string::npos);  // nothing loaded from elsewhere
  CHECK_FALSE(html.find("http://") != std::string::npos);
  CHECK_FALSE(html.find("https://") != std::string::npos);
}

TEST_CASE("route_status_request: three pages, 404, 405, query ignored (R4)") {
  const auto s = sample_status();
  auto json = st::route_status_request("GET", "/status.json", s);
  CHECK(json.status_code == 200);
  CHECK(json.content_type == st::json_content_type);
  CHECK(json.body == st::render_json(s));
  auto metrics = st::route_status_request("GET", "/metrics?name[]=x", s);
  CHECK(metrics.status_code == 200);
  CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics.body == st::render_metrics(s));
  auto page = st::route_status_request("HEAD", "/", s);
  CHECK(page.status_code == 200);
  CHECK(page.body == st::render_html(s));
  CHECK(st::route_status_request("GET", "/status.json/", s).status_code == 404);
  CHECK(st::route_status_request("GET", "/../etc/passwd", s).status_code == 404);
  CHECK(st::route_status_request("GET", "", s).status_code == 404);
  CHECK(st::route_status_request("POST", "/metrics", s).status_code == 405);
  CHECK(st::route_status_request("DELETE", "/", s).status_code == 405);
}
