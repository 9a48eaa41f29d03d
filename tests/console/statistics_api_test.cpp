// The statistics page and the JSON API over a test store: the page's, the CSV's and the API's numbers are
// those of `bodycam stats` over the same store (the CSV byte for byte), the charts are well-formed SVG that
// escape names, the API answers 401 in JSON without a cookie, an officer never lists another's sessions, a
// session's document writes its access entry first, and every real answer validates against
// docs/api/openapi.yaml (tests/console/check_openapi.py, python3-jsonschema).
#include "console/access/route_policy.hpp"
#include "console/web/api_json.hpp"
#include "console/web/statistics_page.hpp"
#include "console/web/stats_chart.hpp"
#include "tests/console/console_fixture.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

using namespace bodycam;
using namespace bodycam::tests;
namespace ac = bodycam::console::access;
namespace web = bodycam::console::web;
using nlohmann::json;

namespace {

using bodycam::tests::role_bit;

json json_of(const web::web_response& r) {
  INFO(r.body.substr(0, 400));
  REQUIRE(r.content_type == "application/json");
  return json::parse(r.body);
}

// `bodycam stats STORE ARGS... --root ROOT`, which must succeed.
std::string cli_stats(console_fixture& f, std::vector<std::string> args) {
  std::vector<std::string> all{"stats", (f.dir / "store").string()};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--root", f.agency.root_file()});
  auto r = run_bodycam(all);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// Parses `xml` with python3's XML parser; the parser's complaint, or "" when well-formed.
std::string xml_problem(const std::string& xml, const temp_dir& dir) {
  const auto file = dir / "chart.svg";
  std::ofstream(file) << xml;
  auto r = run_process({"python3", "-c",
                        "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
                        "assert d.documentElement.tagName == 'svg', d.documentElement.tagName",
                        file.string()});
  return r.exit_code == 0 ? std::string() : r.err + r.out;
}

}  // namespace

TEST_CASE("statistics: the page, the API and the CSV count what bodycam stats counts over the same store",
          "[integration]") {
  console_fixture f{console_fixture::on_disk_t{}};
  f.add_person("auditor-1", role_bit(ac::role::auditor));
  f.add_person("supervisor-1", role_bit(ac::role::supervisor));  // enrolled in "test unit", the camera's unit
  for (const std::string person : {"auditor-1", "supervisor-1"}) {
    const std::string cookie = f.login(person);
    for (const auto& [by, period] : {std::pair{"officer", "day"}, {"unit", "week"}, {"officer", "month"}}) {
      INFO(person << " by " << by << " per " << period);
      const auto cli = json::parse(cli_stats(f, {"--by", by, "--period", period, "--json"}));
      REQUIRE(cli["cells"].size() >= 1);
      REQUIRE(cli["cells"][0]["sessions"].get<int>() >= 1);  // the shift really is counted
      const std::string query = std::string("?by=") + by + "&period=" + period;
      const auto api = json_of(f.get("/api/v1/statistics" + query, cookie));
      CHECK(api["cells"] == cli["cells"]);
      CHECK(api["by"] == by);
      CHECK(api["period"] == period);
      CHECK(api["scope"] == (person == "auditor-1" ? json(nullptr) : json("test unit")));

      const auto csv = f.get("/statistics.csv" + query, cookie);
      CHECK(csv.status == 200);
      CHECK(csv.content_type == "text/csv; charset=utf-8");
      CHECK(csv.body == cli_stats(f, {"--by", by, "--period", period, "--csv"}));  // byte for byte

      const auto page = f.get("/statistics" + query, cookie);
      REQUIRE(page.status == 200);
      for (const auto& cell : cli["cells"]) {
        char hours[32];
        std::snprintf(hours, sizeof hours, "%.2f", cell["hours"].get<double>());
        const std::string row = "<tr><td>" + cell["group"].get<std::string>() + "</td><td>" +
                                cell["period"].get<std::string>() + "</td><td>" +
                                std::to_string(cell["sessions"].get<int>()) + "</td><td>" + hours + "</td><td>" +
                                std::to_string(cell["statements_missing"].get<int>()) + "</td><td>" +
                                std::to_string(cell["statements_silent"].get<int>()) + "</td>";
        CHECK(page.body.find(row) != std::string::npos);
      }
    }
  }
}

TEST_CASE("statistics: refused to officers and clerks, a bad query is 400 naming the parameter") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  f.add_person("supervisor-1", role_bit(ac::role::supervisor));
  const std::string clerk = f.login("clerk-1");
  CHECK(f.get("/statistics", clerk).status == 403);
  CHECK(f.get("/statistics.csv", clerk).status == 403);
  CHECK(f.get("/api/v1/statistics", clerk).status == 403);
  const std::string supervisor = f.login("supervisor-1");
  const auto bad = f.get("/statistics?period=year", supervisor);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("&#39;period&#39;") != std::string::npos);
  const auto bad_api = f.get("/api/v1/statistics?from=yesterday", supervisor);
  CHECK(bad_api.status == 400);
  CHECK(json_of(bad_api)["error"]["message"].get<std::string>().find("'from'") != std::string::npos);
}

TEST_CASE("statistics scope: a supervisor of another unit counts none of this unit's sessions (Z2)") {
  console_fixture f;
  f.add_person("auditor-1", role_bit(ac::role::auditor));
  f.add_person("supervisor-south", role_bit(ac::role::supervisor), {}, test_password, "south");
  f.add_person("supervisor-any", role_bit(ac::role::supervisor), {}, test_password, "");
  const auto cells_of = [&](const std::string& person) {
    const auto j = json_of(f.get("/api/v1/statistics?by=unit&period=month", f.login(person)));
    INFO(person << ": " << j.dump());
    return j;
  };
  const auto all = cells_of("auditor-1");
  REQUIRE(all["cells"].size() == 1);
  CHECK(all["cells"][0]["group"] == "test unit");
  CHECK(all["cells"][0]["sessions"] == 1);
  const auto south = cells_of("supervisor-south");
  CHECK(south["scope"] == "south");
  CHECK(south["cells"].empty());
  CHECK(f.get("/statistics", f.login("supervisor-south")).body.find("Sessions of unit south") != std::string::npos);
  const auto any = cells_of("supervisor-any");
  CHECK(any["scope"] == nullptr);
  CHECK(any["cells"] == all["cells"]);
}

TEST_CASE("statistics scope: auditors all, supervisors their unit, or all when enrolled without one (Z2)") {
  CHECK(web::stats_scope(role_bit(ac::role::auditor), "unit a") == std::nullopt);
  CHECK(web::stats_scope(role_bit(ac::role::supervisor), "unit a") == std::optional<std::string>("unit a"));
  CHECK(web::stats_scope(role_bit(ac::role::supervisor), "") == std::nullopt);
  CHECK(web::stats_scope(role_bit(ac::role::supervisor) | role_bit(ac::role::auditor), "unit a") == std::nullopt);
}

TEST_CASE("statistics chart: well-formed SVG that escapes hostile names (S1)", "[integration]") {
  temp_dir dir{"bodycam-chart-test"};
  const std::string hostile = "<script>alert(\"x\")</script> & 'o' ]]>";
  const auto svg = web::render_bar_chart("Sessions per officer & week", {{hostile, 3}, {"officer-7 2026-W49", 1}, {"zero", 0}}, 0, "");
  CHECK(xml_problem(svg, dir).empty());
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;o&#39; ]]&gt;") != std::string::npos);
  CHECK(svg.find("Sessions per officer &amp; week") != std::string::npos);
  // S3: the largest value has the longest bar; zero has none.
  CHECK(svg.find("width=\"390\" height=\"16\"") != std::string::npos);
  CHECK(svg.find("width=\"130\" height=\"16\"") != std::string::npos);
  CHECK(svg.find("width=\"0\" height=\"16\"") != std::string::npos);
  CHECK(xml_problem(web::render_bar_chart("empty", {}, 2, " h"), dir).empty());
  // The parser really parses: a broken document is refused.
  CHECK_FALSE(xml_problem("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a & b</text></svg>", dir).empty());
}

TEST_CASE("statistics page: each chart on the real page is well-formed SVG", "[integration]") {
  console_fixture f;
  f.add_person("auditor-1", role_bit(ac::role::auditor));
  const auto page = f.get("/statistics?by=officer&period=day", f.login("auditor-1"));
  REQUIRE(page.status == 200);
  const std::regex chart("<svg[\\s\\S]*?</svg>");
  std::size_t charts = 0;
  for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), chart); it != std::sregex_iterator(); ++it) {
    CHECK(xml_problem(it->str(), f.dir).empty());
    CHECK(it->str().find("officer-7 ") != std::string::npos);
    ++charts;
  }
  CHECK(charts == 2);
  CHECK(page.body.find("style=") == std::string::npos);  // G2 under the CSP
  CHECK(page.body.find("<script>") == std::string::npos);
}

TEST_CASE("api: without a session every route is 401 in JSON; other methods 405; unknown routes 404") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  std::size_t routes = 0;
  for (const auto r : ac::all_routes) {
    std::string path(ac::api_path(r));
    if (path.empty()) continue;
    path = std::regex_replace(path, std::regex("\\{device\\}"), "cam-0001");
    path = std::regex_replace(path, std::regex("\\{session\\}"), f.camera.session().to_hex());
    for (const std::string& cookie : {std::string(), std::string("forged")}) {
      const auto answer = f.get(path, cookie);
      INFO(path << ": " << answer.body);
      CHECK(answer.status == 401);
      const auto j = json_of(answer);
      CHECK(j["error"]["status"] == 401);
      CHECK(j["error"]["code"] == "unauthenticated");
      CHECK(!j["error"]["message"].get<std::string>().empty());
    }
    ++routes;
  }
  CHECK(routes == 5);
  CHECK(f.access_entries() == 0);
  const std::string cookie = f.login("clerk-1");
  const auto post = f.request("POST", "/api/v1/sessions", cookie, "csrf=" + f.csrf_of(cookie));
  CHECK(post.status == 405);
  CHECK(json_of(post)["error"]["code"] == "method_not_allowed");
  const auto unknown = f.get("/api/v1/nothing", cookie);
  CHECK(unknown.status == 404);
  CHECK(json_of(unknown)["error"]["code"] == "not_found");
}

TEST_CASE("api sessions: an officer lists only their own sessions; clerks all; the document writes its entry first") {
  console_fixture f;
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  f.add_person("officer-9", role_bit(ac::role::officer));
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string hex = f.camera.session().to_hex();
  const auto listed = [&](const std::string& person, const std::string& query) {
    return json_of(f.get("/api/v1/sessions" + query, f.login(person)));
  };
  const auto own = listed(std::string(shift_officer), "");
  REQUIRE(own["sessions"].size() == 1);
  CHECK(own["sessions"][0]["session"] == hex);
  CHECK(own["total"] == 1);
  for (const std::string query : {"", "?officer=officer-7", "?device=cam-0001"}) {
    const auto other = listed("officer-9", query);
    INFO(query);
    CHECK(other["sessions"].empty());
    CHECK(other["total"] == 0);
  }
  const auto clerk = listed("clerk-1", "?officer=officer-7&from=2026-01-01");
  REQUIRE(clerk["sessions"].size() == 1);
  CHECK(clerk["sessions"][0]["href"] == "/api/v1/sessions/cam-0001/" + hex);
  CHECK(listed("clerk-1", "?officer=officer-9")["sessions"].empty());
  CHECK(f.get("/api/v1/sessions?limit=0", f.login("clerk-1")).status == 400);

  const std::size_t before = f.access_entries();
  const auto refused = f.get("/api/v1/sessions/cam-0001/" + hex, f.login("officer-9"));
  CHECK(refused.status == 403);
  CHECK(f.access_entries() == before);  // nothing refused writes an entry
  const auto doc = json_of(f.get("/api/v1/sessions/cam-0001/" + hex + "?purpose=CASE-9", f.login("clerk-1")));
  CHECK(f.access_entries() == before + 1);
  CHECK(doc["session"]["session"] == hex);
  CHECK(doc["session"]["segments"].size() == 3);
  CHECK(doc["access_entry"].get<std::string>().starts_with("access/clerk-1."));
  CHECK(f.get("/api/v1/sessions/cam-0001/" + std::string(32, '0'), f.login("clerk-1")).status == 404);
  CHECK(f.get("/api/v1/sessions/cam-0001/../../keys", f.login("clerk-1")).status == 404);
  CHECK(f.access_entries() == before + 1);
}

TEST_CASE("openapi: every API route is in docs/api/openapi.yaml and back, and real answers match its schemas",
          "[integration]") {
  console_fixture f;
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  f.add_person("supervisor-1", role_bit(ac::role::supervisor));
  const std::string officer = f.login(std::string(shift_officer));
  const std::string clerk = f.login("clerk-1");
  const std::string supervisor = f.login("supervisor-1");
  const std::string session = "/api/v1/sessions/cam-0001/" + f.camera.session().to_hex();
  json manifest{{"routes", json::array()}, {"responses", json::array()}};
  for (const auto r : ac::all_routes)
    if (!ac::api_path(r).empty()) manifest["routes"].push_back(std::string(ac::api_path(r)));
  struct asked {
    std::string path;  // as in the OpenAPI file
    std::string target;
    std::string cookie;
    unsigned status;
  };
  const std::vector<asked> asks{
      {"/api/v1/sessions", "/api/v1/sessions", clerk, 200},
      {"/api/v1/sessions", "/api/v1/sessions?text=nothing&limit=5", officer, 200},
      {"/api/v1/sessions", "/api/v1/sessions?limit=x", clerk, 400},
      {"/api/v1/sessions", "/api/v1/sessions", "", 401},
      {"/api/v1/sessions/{device}/{session}", session, clerk, 200},
      {"/api/v1/sessions/{device}/{session}", "/api/v1/sessions/cam-0001/" + std::string(32, 'a'), clerk, 404},
      {"/api/v1/statistics", "/api/v1/statistics?by=unit&period=day", supervisor, 200},
      {"/api/v1/statistics", "/api/v1/statistics", clerk, 403},
      {"/api/v1/fleet", "/api/v1/fleet", supervisor, 200},
      {"/api/v1/fleet", "/api/v1/fleet", officer, 403},
      {"/api/v1/openapi.yaml", "/api/v1/openapi.yaml", officer, 200},
  };
  for (std::size_t i = 0; i < asks.size(); ++i) {
    const auto answer = f.get(asks[i].target, asks[i].cookie);
    INFO(asks[i].target << ": " << answer.body.substr(0, 300));
    REQUIRE(answer.status == asks[i].status);
    const std::string file = "answer-" + std::to_string(i) + ".txt";
    std::ofstream(f.dir / file) << answer.body;
    manifest["responses"].push_back(
        {{"path", asks[i].path}, {"status", asks[i].status}, {"content_type", answer.content_type}, {"file", file}});
  }
  // The served description is the file in the repository.
  std::ifstream spec(std::string(BODYCAM_SOURCE_DIR) + "/docs/api/openapi.yaml");
  const std::string spec_text((std::istreambuf_iterator<char>(spec)), std::istreambuf_iterator<char>());
  REQUIRE(!spec_text.empty());
  CHECK(f.get("/api/v1/openapi.yaml", clerk).body == spec_text);

  std::ofstream(f.dir / "manifest.json") << manifest.dump(2);
  const auto check = run_process({"python3", std::string(BODYCAM_SOURCE_DIR) + "/tests/console/check_openapi.py",
                                  std::string(BODYCAM_SOURCE_DIR) + "/docs/api/openapi.yaml",
                                  (f.dir / "manifest.json").string()});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("11 responses checked, 5 routes, 0 problems") != std::string::npos);

  // The checker really checks: an answer that breaks its schema is a problem.
  auto broken = manifest;
  std::ofstream(f.dir / "broken.txt") << R"({"format": "bodycam-api-fleet", "version": 1, "cameras": [{"device": 7}], "docks": []})";
  broken["responses"] = json::array({{{"path", "/api/v1/fleet"}, {"status", 200}, {"content_type", "application/json"}, {"file", "broken.txt"}}});
  broken["routes"].push_back("/api/v1/not-described");
  std::ofstream(f.dir / "broken.json") << broken.dump(2);
  const auto refuses = run_process({"python3", std::string(BODYCAM_SOURCE_DIR) + "/tests/console/check_openapi.py",
                                    std::string(BODYCAM_SOURCE_DIR) + "/docs/api/openapi.yaml",
                                    (f.dir / "broken.json").string()});
  CHECK(refuses.exit_code == 1);
  CHECK(refuses.err.find("/api/v1/not-described is not in the OpenAPI file") != std::string::npos);
  CHECK(refuses.err.find("at /cameras/0") != std::string::npos);
}
