// The recorder's [offload] section: defaults, values, and refusals.
#include "firmware/config/config_parser.hpp"

#include <catch2/catch.hpp>

using bodycam::firmware::config::parse_recorder_config;

TEST_CASE("[offload] is off by default and parses its keys") {
  auto off = parse_recorder_config("[device]\nid = \"cam-1\"\n");
  REQUIRE(off.has_value());
  CHECK_FALSE(off->offload.enabled);
  CHECK(off->offload.listen_port == 7400);
  auto on = parse_recorder_config("[device]\nid = \"cam-1\"\n[offload]\nenabled = true\nlisten_address = \"127.0.0.1\"\n"
                                  "listen_port = 7411\ntrusted_docks_dir = \"docks\"\ntimeout_seconds = 5\n",
                                  {"recorder.toml", "/etc/bodycam"});
  REQUIRE(on.has_value());
  CHECK(on->offload.enabled);
  CHECK(on->offload.listen_address == "127.0.0.1");
  CHECK(on->offload.listen_port == 7411);
  CHECK(on->offload.trusted_docks_dir == "/etc/bodycam/docks");
  CHECK(on->offload.timeout == std::chrono::seconds(5));
}

TEST_CASE("[offload] mistakes are refused naming the key") {
  for (const auto* text : {"[offload]\nlisten_port = 0\n", "[offload]\nenabled = true\ntrusted_docks_dir = \"\"\n",
                           "[offload]\ntimeout_seconds = 601\n", "[offload]\nport = 7400\n"}) {
    INFO(text);
    auto r = parse_recorder_config(std::string("[device]\nid = \"cam-1\"\n") + text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().context.find("offload") != std::string::npos);
  }
}
