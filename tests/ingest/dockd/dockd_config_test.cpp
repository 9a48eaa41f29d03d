// The dock daemon's configuration parser: defaults, path resolution, and a clear error for each mistake.
#include "ingest/dockd/dockd_config.hpp"

#include <catch2/catch.hpp>

using bodycam::ingest::dockd::parse_dockd_config;
using bodycam::ingest::dockd::parse_host_port;

namespace {
const std::string minimal = R"([dock]
id = "dock-1"
key_file = "dock.key"
store_dir = "/srv/store"
trusted_cameras_dir = "cameras"
state_db = "state/dock.db"
)";
}

TEST_CASE("a minimal dock configuration gets its defaults and resolved paths") {
  auto c = parse_dockd_config(minimal + "[[camera]]\naddress = \"127.0.0.1:7401\"\n[[camera]]\nslot = \"bay-2\"\naddress = \"[::1]:7402\"\n",
                              "/etc/bodycam", "dockd.toml");
  REQUIRE(c.has_value());
  CHECK(c->dock_id == "dock-1");
  CHECK(c->key_file == "/etc/bodycam/dock.key");
  CHECK(c->store_dir == "/srv/store");
  CHECK(c->spool_dir == "/etc/bodycam/state/spool");
  CHECK(c->quarantine_dir == "/etc/bodycam/state/quarantine");
  CHECK(c->poll_interval == std::chrono::seconds(10));
  CHECK(c->http_host.empty());
  REQUIRE(c->cameras.size() == 2);
  CHECK(c->cameras[0].slot == "slot-1");
  CHECK(c->cameras[0].port == 7401);
  CHECK(c->cameras[1].slot == "bay-2");
  CHECK(c->cameras[1].host == "::1");
  CHECK(c->upload_slots == 1);
  CHECK(c->store_depth == 6);
  CHECK(c->completion_margin == std::chrono::minutes(120));
  CHECK(c->time_left_threshold == std::chrono::minutes(60));
  CHECK(c->reassess_interval == std::chrono::seconds(10));
  CHECK(c->slot_wait == std::chrono::seconds(5));
}

TEST_CASE("the [schedule] section sets the upload slots and the deadline margins") {
  auto c = parse_dockd_config(minimal + "[schedule]\nupload_slots = 2\nstore_depth = 0\ncompletion_margin_minutes = 180\n"
                                        "time_left_threshold_minutes = 0\nreassess_seconds = 3\nslot_wait_seconds = 7\n"
                                        "initial_throughput_mib_per_second = 5\n[http]\nlisten = \"127.0.0.1:0\"\n",
                              "/etc/bodycam", "dockd.toml");
  REQUIRE(c.has_value());
  CHECK(c->upload_slots == 2);
  CHECK(c->store_depth == 0);
  CHECK(c->completion_margin == std::chrono::minutes(180));
  CHECK(c->time_left_threshold == std::chrono::minutes(0));
  CHECK(c->reassess_interval == std::chrono::seconds(3));
  CHECK(c->slot_wait == std::chrono::seconds(7));
  CHECK(c->initial_bytes_per_second == 5.0 * 1024 * 1024);
  CHECK(c->http_port == 0);  // any free port, for the HTTP status only
  CHECK_FALSE(parse_host_port("127.0.0.1:0", "x").has_value());
}

TEST_CASE("dock configuration mistakes are refused naming the key") {
  struct bad_case {
    std::string text;
    std::string says;
  };
  const std::vector<bad_case> cases{
      {"[dock]\nid = \"dock-1\"\n", "key_file"},
      {minimal + "colour = \"red\"\n", "colour"},
      {minimal + "[htp]\n", "[htp]"},
      {minimal + "poll_interval_seconds = 0\n", "poll_interval_seconds"},
      {minimal + "[http]\nlisten = \"localhost\"\n", "listen"},
      {minimal + "[[camera]]\naddress = \"127.0.0.1:99999\"\n", "address"},
      {minimal + "[[camera]]\nslot = \"a\"\naddress = \"127.0.0.1:1\"\n[[camera]]\nslot = \"a\"\naddress = \"127.0.0.1:2\"\n", "used twice"},
      {"[dock]\nid = \"../x\"\nkey_file = \"k\"\nstore_dir = \"s\"\ntrusted_cameras_dir = \"c\"\nstate_db = \"d\"\n", "dock id"},
      {"[dock\n", "line"},
      {minimal + "[schedule]\nupload_slots = 0\n", "upload_slots"},
      {minimal + "[schedule]\nstore_depth = 17\n", "store_depth"},
      {minimal + "[schedule]\ncompletion_margin_minutes = -1\n", "completion_margin_minutes"},
      {minimal + "[schedule]\nreasses_seconds = 5\n", "reasses_seconds"},
      {"schedule = 3\n" + minimal, "schedule must be a table"},
      {minimal + "[[camera]]\naddress = \"127.0.0.1:0\"\n", "address"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = parse_dockd_config(c.text, "/etc", "dockd.toml");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().context.find(c.says) != std::string::npos);
    CHECK(r.error().context.find("dockd.toml") != std::string::npos);
  }
  CHECK_FALSE(parse_host_port("127.0.0.1:", "x").has_value());
  CHECK_FALSE(parse_host_port(":80", "x").has_value());
  CHECK(parse_host_port("127.0.0.1:80", "x")->second == 80);
}

TEST_CASE("the [http] section sets the status server's flood limits, within their ranges") {
  auto defaults = parse_dockd_config(minimal, "/etc/bodycam", "dockd.toml");
  REQUIRE(defaults.has_value());
  CHECK(defaults->http_idle_timeout == std::chrono::seconds(3));
  CHECK(defaults->http_max_connections == 16);
  CHECK(defaults->http_max_connections_per_client == 8);
  auto c = parse_dockd_config(minimal + "[http]\nlisten = \"127.0.0.1:8470\"\nidle_timeout_seconds = 10\n"
                                        "max_connections = 32\nmax_connections_per_client = 4\n",
                              "/etc/bodycam", "dockd.toml");
  REQUIRE(c.has_value());
  CHECK(c->http_idle_timeout == std::chrono::seconds(10));
  CHECK(c->http_max_connections == 32);
  CHECK(c->http_max_connections_per_client == 4);
  auto one = parse_dockd_config(minimal + "[http]\nmax_connections = 1\n", "/etc/bodycam", "dockd.toml");
  REQUIRE_FALSE(one.has_value());
  CHECK(one.error().context.find("max_connections") != std::string::npos);
  CHECK_FALSE(parse_dockd_config(minimal + "[http]\nidle_timeout_seconds = 0\n", "/etc/bodycam", "dockd.toml"));
}

TEST_CASE("the store is store_dir, or a [store] table (directory or s3), never both") {
  auto plain = parse_dockd_config(minimal, "/etc/bodycam", "dockd.toml");
  REQUIRE(plain.has_value());
  CHECK(plain->store.kind == bodycam::common::store::store_kind::directory);
  CHECK(plain->store.directory == "/srv/store");

  std::string without_dir = minimal;
  without_dir.erase(without_dir.find("store_dir"), std::string("store_dir = \"/srv/store\"\n").size());
  auto s3 = parse_dockd_config(without_dir + "[store]\nkind = \"s3\"\nendpoint = \"http://127.0.0.1:7480\"\n"
                                             "bucket = \"evidence\"\ncredentials_file = \"s3.credentials\"\n",
                               "/etc/bodycam", "dockd.toml");
  REQUIRE(s3.has_value());
  CHECK(s3->store.kind == bodycam::common::store::store_kind::s3);
  CHECK(s3->store.s3.bucket == "evidence");
  CHECK(s3->store.credentials_file == "/etc/bodycam/s3.credentials");
  CHECK(s3->store_dir.empty());

  auto dir = parse_dockd_config(without_dir + "[store]\npath = \"store\"\n", "/etc/bodycam", "dockd.toml");
  REQUIRE(dir.has_value());
  CHECK(dir->store_dir == "/etc/bodycam/store");

  auto both = parse_dockd_config(minimal + "[store]\npath = \"store\"\n", "/etc/bodycam", "dockd.toml");
  REQUIRE_FALSE(both.has_value());
  CHECK_THAT(both.error().context, Catch::Contains("[dock] store_dir"));
  auto neither = parse_dockd_config(without_dir, "/etc/bodycam", "dockd.toml");
  REQUIRE_FALSE(neither.has_value());
  CHECK_THAT(neither.error().context, Catch::Contains("store_dir: required"));
  auto bad = parse_dockd_config(without_dir + "[store]\nkind = \"s3\"\nbucket = \"b\"\n", "/etc/bodycam", "dockd.toml");
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().context, Catch::Contains("[store] endpoint"));
}

TEST_CASE("[[witness]] entries: name, url with an optional path, key file; mistakes refused naming the key") {
  auto c = parse_dockd_config(minimal + "[[witness]]\nname = \"witness-1\"\nurl = \"http://127.0.0.1:8480\"\n"
                                        "public_key_file = \"w1.pub\"\n[[witness]]\nname = \"witness-2\"\n"
                                        "url = \"http://[::1]:9000/tlog/\"\npublic_key_file = \"/keys/w2.pub\"\n",
                              "/etc/bodycam", "dockd.toml");
  REQUIRE(c.has_value());
  REQUIRE(c->witnesses.size() == 2);
  CHECK(c->witnesses[0].name == "witness-1");
  CHECK(c->witnesses[0].host == "127.0.0.1");
  CHECK(c->witnesses[0].port == 8480);
  CHECK(c->witnesses[0].target == "/add-checkpoint");
  CHECK(c->witnesses[0].public_key_file == "/etc/bodycam/w1.pub");
  CHECK(c->witnesses[1].host == "::1");
  CHECK(c->witnesses[1].target == "/tlog/add-checkpoint");
  for (const auto& [entry, key] : std::vector<std::pair<std::string, std::string>>{
           {"name = \"w\"\nurl = \"https://127.0.0.1:1\"\npublic_key_file = \"k\"\n", "url"},
           {"name = \"w\"\nurl = \"http://127.0.0.1\"\npublic_key_file = \"k\"\n", "url"},
           {"name = \"w\"\nurl = \"http://127.0.0.1:1/a?b\"\npublic_key_file = \"k\"\n", "url"},
           {"name = \"w w\"\nurl = \"http://127.0.0.1:1\"\npublic_key_file = \"k\"\n", "name"},
           {"url = \"http://127.0.0.1:1\"\npublic_key_file = \"k\"\n", "name"},
           {"name = \"w\"\nurl = \"http://127.0.0.1:1\"\n", "public_key_file"},
           {"name = \"w\"\nurl = \"http://127.0.0.1:1\"\npublic_key_file = \"k\"\nretries = 3\n", "retries"},
       }) {
    auto bad = parse_dockd_config(minimal + "[[witness]]\n" + entry, "/etc", "dockd.toml");
    INFO(entry);
    REQUIRE_FALSE(bad.has_value());
    CHECK_THAT(bad.error().context, Catch::Contains("[witness 1] " + key));
  }
  auto twice = parse_dockd_config(minimal + "[[witness]]\nname = \"w\"\nurl = \"http://127.0.0.1:1\"\npublic_key_file = "
                                            "\"k\"\n[[witness]]\nname = \"w\"\nurl = \"http://127.0.0.1:2\"\n"
                                            "public_key_file = \"k\"\n",
                                  "/etc", "dockd.toml");
  REQUIRE_FALSE(twice.has_value());
  CHECK_THAT(twice.error().context, Catch::Contains("used twice"));
}
