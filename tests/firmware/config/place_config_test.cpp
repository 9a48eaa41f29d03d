// The [place] section of the recorder config: its defaults (no receiver), every key, the limits, and that a
// configured receiver turns the OSD place line on.
#include "firmware/config/config_parser.hpp"

#include <string>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace place_config_test {

using namespace bodycam::firmware::config;
using namespace std::chrono_literals;
namespace place = bodycam::firmware::place;

namespace {

const std::string minimal = "[device]\nid = \"cam-7\"\n";

std::string error_of(const std::string& text) {
  auto parsed = parse_recorder_config(text);
  REQUIRE_FALSE(parsed.has_value());
  return parsed.error().context;
}

}  // namespace

TEST_CASE("[place] defaults: no receiver, gpsd on 127.0.0.1:2947 when chosen, 30 s interval, 5 s hold") {
  auto parsed = parse_recorder_config(minimal);
  REQUIRE(parsed.has_value());
  CHECK(parsed->place.source == place::place_source_kind::none);
  CHECK(parsed->place.gpsd_host == "127.0.0.1");
  CHECK(parsed->place.gpsd_port == 2947);
  CHECK(parsed->place.interval == 30s);
  CHECK(parsed->place.hold == 5s);
  CHECK(parsed->place.stale_after == 5s);
  CHECK_FALSE(pipeline_settings(*parsed).osd.place_line);
}

TEST_CASE("[place] every key is read, and gpsd turns the OSD place line on") {
  auto parsed = parse_recorder_config(minimal + "[place]\nsource = \"gpsd\"\ngpsd_host = \"gnss.local\"\n"
                                                "gpsd_port = 2950\ninterval_seconds = 10\nhold_seconds = 0\n"
                                                "stale_seconds = 8\n");
  INFO((parsed ? std::string() : parsed.error().context));
  REQUIRE(parsed.has_value());
  CHECK(parsed->place.source == place::place_source_kind::gpsd);
  CHECK(parsed->place.gpsd_host == "gnss.local");
  CHECK(parsed->place.gpsd_port == 2950);
  CHECK(parsed->place.interval == 10s);
  CHECK(parsed->place.hold == 0s);
  CHECK(parsed->place.stale_after == 8s);
  CHECK(pipeline_settings(*parsed).osd.place_line);
}

TEST_CASE("[place] refusals name the key and the value") {
  CHECK(error_of(minimal + "[place]\nsource = \"nmea\"\n").find("place.source") != std::string::npos);
  CHECK(error_of(minimal + "[place]\ngpsd_port = 0\n").find("place.gpsd_port") != std::string::npos);
  CHECK(error_of(minimal + "[place]\ngpsd_port = 70000\n").find("place.gpsd_port") != std::string::npos);
  CHECK(error_of(minimal + "[place]\ninterval_seconds = 0\n").find("place.interval_seconds") != std::string::npos);
  CHECK(error_of(minimal + "[place]\nhold_seconds = 601\n").find("place.hold_seconds") != std::string::npos);
  CHECK(error_of(minimal + "[place]\ngpsd_host = \"\"\n").find("place.gpsd_host") != std::string::npos);
  CHECK(error_of(minimal + "[place]\nunknown_key = 1\n").find("place.unknown_key") != std::string::npos);
}

}  // namespace place_config_test
