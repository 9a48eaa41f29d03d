// The place component through bodycam-recorder with no gpsd there at all (`[place] source = "gpsd"` pointed at
// a loopback port nobody listens on): the camera records as always — the session bracketed, its segments
// sealed, no interruption — and its `place` records say it once: the start with no fix, one source_lost
// naming the gpsd address, then a no-fix place per segment. (gpsd dying mid-session and a gpsfake track are
// tests/firmware/place/gpsd_place_test.cpp against a real gpsd; the simulated shift runs gpsfake too.)
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"
#include "tests/support/loopback_port.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace place_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
using json = nlohmann::json;

TEST_CASE("gpsd absent: the camera records as always and its place records say so once", "[e2e]") {
  test_camera cam(1);
  const auto port = free_loopback_port();
  std::ofstream(cam.config_path, std::ios::app) << "[place]\nsource = \"gpsd\"\ngpsd_host = \"127.0.0.1\"\ngpsd_port = "
                                                << port << "\ninterval_seconds = 30\nhold_seconds = 0\n";
  auto daemon = cam.start_daemon("recorder");
  INFO(daemon->log());
  // A build without libgps refuses the setting: then this test fails rather than pass without gpsd's adapter.
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  const auto started = json::parse(cam.request(R"({"cmd":"start"})"));
  REQUIRE(started.at("ok") == true);
  const std::string session = started.at("session");
  const auto recorded =
      wait_for(cam, [](const json& s) { return s.at("segment").is_number() && s.at("segment").get<int>() >= 3; },
               std::chrono::seconds(30));
  REQUIRE(recorded.at("state") == "recording");
  REQUIRE(json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})")).at("ok") == true);
  REQUIRE(wait_for_state(cam, "idle", std::chrono::seconds(20)).at("state") == "idle");
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  CHECK(cam.verify().problem_count() == 0);
  std::vector<record::place_payload> places;
  int segments = 0, interruptions = 0;
  std::optional<record::stop_reason> stopped;
  for (const auto& r : cam.records()) {
    if (const auto* p = std::get_if<record::place_payload>(&r.body.body); p && p->session.to_hex() == session)
      places.push_back(*p);
    if (const auto* s = std::get_if<record::segment_payload>(&r.body.body); s && s->session.to_hex() == session)
      ++segments;
    if (std::holds_alternative<record::interruption_payload>(r.body.body)) ++interruptions;
    if (const auto* s = std::get_if<record::session_stop_payload>(&r.body.body); s && s->session.to_hex() == session)
      stopped = s->reason;
  }
  CHECK(interruptions == 0);
  REQUIRE(stopped.has_value());
  CHECK(*stopped == record::stop_reason::officer_end);
  CHECK(segments >= 3);
  REQUIRE(places.size() >= 2);
  CHECK(places[0].trigger == record::place_trigger::session_start);
  int lost = 0, per_segment = 0;
  for (const auto& p : places) {
    CHECK(p.fix == record::fix_quality::none);
    if (p.trigger == record::place_trigger::source_lost) {
      ++lost;
      CHECK(p.detail.find("gpsd 127.0.0.1:" + std::to_string(port)) != std::string::npos);
    }
    if (p.trigger == record::place_trigger::segment) ++per_segment;
  }
  CHECK(lost == 1);
  CHECK(per_segment == segments);
}

}  // namespace place_e2e_test
