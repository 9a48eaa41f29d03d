// The [store] table: both kinds with their defaults, and every refusal naming the key. The factory's refusal of
// a credentials file others may read is checked here too (it happens before any network call).
#include "common/store/directory_backend.hpp"
#include "common/store/s3_store_factory.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

using namespace bodycam::common;

namespace {

core::expected<store::store_config> parse(std::string_view text) {
  const toml::table root = toml::parse(text, std::string("test.toml"));
  return store::parse_store_config(*root["store"].as_table(), "test.toml", "/etc/bodycam");
}

}  // namespace

TEST_CASE("store config: a directory store, its path resolved against the config's folder") {
  const auto c = parse("[store]\nkind = \"directory\"\npath = \"store\"\n");
  REQUIRE(c);
  CHECK(c->kind == store::store_kind::directory);
  CHECK(c->directory == "/etc/bodycam/store");
  CHECK(parse("[store]\npath = \"/srv/store\"\n").value().directory == "/srv/store");
}

TEST_CASE("store config: an S3 store with every key, and with the defaults") {
  const auto c = parse(
      "[store]\nkind = \"s3\"\nendpoint = \"http://10.0.0.5:7480\"\nbucket = \"evidence\"\nregion = \"eu\"\n"
      "credentials_file = \"s3.credentials\"\nretention_days = 400\nworm = \"off\"\ntimeout_seconds = 12\n");
  REQUIRE(c);
  CHECK(c->kind == store::store_kind::s3);
  CHECK(c->s3.endpoint == "http://10.0.0.5:7480");
  CHECK(c->s3.bucket == "evidence");
  CHECK(c->s3.region == "eu");
  CHECK(c->credentials_file == "/etc/bodycam/s3.credentials");
  CHECK(c->s3.retention == std::chrono::days(400));
  CHECK_FALSE(c->s3.worm);
  CHECK(c->s3.timeout == std::chrono::seconds(12));
  const auto d = parse("[store]\nkind = \"s3\"\nendpoint = \"http://h\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n");
  REQUIRE(d);
  CHECK(d->s3.region == "us-east-1");
  CHECK(d->s3.retention == std::chrono::days(183));
  CHECK(d->s3.worm);
  CHECK(d->s3.timeout == std::chrono::seconds(30));
}

TEST_CASE("store config: an https endpoint with its CA file, and the multipart sizes") {
  const auto c = parse(
      "[store]\nkind = \"s3\"\nendpoint = \"https://s3.example:8443\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n"
      "ca_file = \"s3-ca.pem\"\nmultipart_threshold_bytes = 10485760\nmultipart_part_bytes = 5242880\n");
  REQUIRE(c);
  CHECK(c->s3.endpoint == "https://s3.example:8443");
  CHECK(c->s3.ca_file == "/etc/bodycam/s3-ca.pem");
  CHECK(c->s3.multipart_threshold_bytes == 10485760);
  CHECK(c->s3.multipart_part_bytes == 5242880);
  const auto d = parse("[store]\nkind = \"s3\"\nendpoint = \"https://h\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n");
  REQUIRE(d);
  CHECK(d->s3.ca_file.empty());
  CHECK(d->s3.multipart_threshold_bytes == std::uint64_t{64} << 20);
  CHECK(d->s3.multipart_part_bytes == std::uint64_t{16} << 20);
}

TEST_CASE("store config: several endpoints in order, and the retry budget") {
  const auto c = parse(
      "[store]\nkind = \"s3\"\nendpoints = [\"http://a:7480\", \"http://b:7480\"]\nbucket = \"evidence\"\n"
      "credentials_file = \"/c\"\nretry_budget_seconds = 90\nretry_attempts = 5\n");
  REQUIRE(c);
  CHECK(c->endpoints == std::vector<std::string>{"http://a:7480", "http://b:7480"});
  CHECK(c->s3.endpoint == "http://a:7480");
  CHECK(c->retry.budget == std::chrono::seconds(90));
  CHECK(c->retry.max_attempts == 5);
  const auto one = parse("[store]\nkind = \"s3\"\nendpoint = \"http://h\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n");
  REQUIRE(one);
  CHECK(one->endpoints == std::vector<std::string>{"http://h"});
  CHECK(one->retry.budget == std::chrono::seconds(60));
  CHECK(one->retry.max_attempts == 10);
  const auto none = parse(
      "[store]\nkind = \"s3\"\nendpoint = \"http://h\"\nbucket = \"b\"\ncredentials_file = \"/c\"\nretry_budget_seconds = 0\n");
  REQUIRE(none);
  CHECK(none->retry.max_attempts == 1);  // no retry at all
}

TEST_CASE("store config: wrong kinds, missing, mistyped, out-of-range and foreign keys are refused by name") {
  const std::string s3 = "[store]\nkind = \"s3\"\nendpoint = \"http://h\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n";
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"[store]\nkind = \"tape\"\npath = \"x\"\n", "kind"},
           {"[store]\nkind = \"directory\"\n", "path"},
           {"[store]\npath = \"x\"\nbucket = \"b\"\n", "bucket"},
           {"[store]\nkind = \"s3\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n", "endpoint"},
           {"[store]\nkind = \"s3\"\nendpoint = \"http://h\"\ncredentials_file = \"/c\"\n", "bucket"},
           {"[store]\nkind = \"s3\"\nendpoint = \"http://h\"\nbucket = \"b\"\n", "credentials_file"},
           {"[store]\nkind = \"s3\"\nendpoint = \"ftp://h\"\nbucket = \"b\"\ncredentials_file = \"/c\"\n", "endpoint"},
           {s3 + "ca_file = \"ca.pem\"\n", "ca_file"},
           {s3 + "multipart_threshold_bytes = 1000\n", "multipart_threshold_bytes"},
           {s3 + "multipart_part_bytes = 5242879\n", "multipart_part_bytes"},
           {s3 + "retention_days = 0\n", "retention_days"},
           {s3 + "retention_days = \"6 months\"\n", "retention_days"},
           {s3 + "worm = \"maybe\"\n", "worm"},
           {s3 + "worm = false\n", "worm"},
           {s3 + "timeout_seconds = 601\n", "timeout_seconds"},
           {s3 + "path = \"x\"\n", "path"},
           {s3 + "secret_access_key = \"x\"\n", "secret_access_key"},
           {s3 + "endpoints = [\"http://g\"]\n", "endpoints"},
           {"[store]\nkind = \"s3\"\nendpoints = []\nbucket = \"b\"\ncredentials_file = \"/c\"\n", "endpoints"},
           {"[store]\nkind = \"s3\"\nendpoints = [\"http://a\", 7]\nbucket = \"b\"\ncredentials_file = \"/c\"\n", "endpoints"},
           {"[store]\nkind = \"s3\"\nendpoints = [\"http://a\", \"ftp://b\"]\nbucket = \"b\"\ncredentials_file = \"/c\"\n",
            "endpoints"},
           {s3 + "retry_budget_seconds = 3601\n", "retry_budget_seconds"},
           {s3 + "retry_attempts = 0\n", "retry_attempts"}}) {
    INFO(text);
    const auto c = parse(text);
    REQUIRE_FALSE(c);
    CHECK(c.error().code == core::errc::invalid_argument);
    CHECK_THAT(c.error().context, Catch::StartsWith("test.toml: [store] " + key));
  }
}

TEST_CASE("store config: opening an S3 store refuses a credentials file others may read, before any request") {
  bodycam::tests::temp_dir dir;
  const auto credentials = dir.path() / "s3.credentials";
  std::ofstream(credentials) << "access_key_id = \"a\"\nsecret_access_key = \"s\"\n";
  REQUIRE(::chmod(credentials.c_str(), 0644) == 0);
  store::store_config c;
  c.kind = store::store_kind::s3;
  c.s3.endpoint = "http://127.0.0.1:1";
  c.s3.bucket = "b";
  c.credentials_file = credentials.string();
  const auto opened = store::open_configured_store(c, false);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == core::errc::permission);
  CHECK_THAT(opened.error().context, Catch::Contains(credentials.string()));
}

TEST_CASE("store config file: the [store] table of a tools config opens the store it names, relative to the file") {
  bodycam::tests::temp_dir dir("bodycam-store-config-file");
  REQUIRE(store::open_directory_store(dir.path() / "store", true).has_value());
  const auto config = (dir.path() / "tools.toml").string();
  std::ofstream(config) << "[other]\nx = 1\n[store]\nkind = \"directory\"\npath = \"store\"\n";
  auto opened = store::open_store_from_config_file(config);
  INFO((opened ? "" : opened.error().context));
  REQUIRE(opened);
  CHECK_THAT(opened->describe(), Catch::Contains((dir.path() / "store").string()));

  std::ofstream(config, std::ios::trunc) << "[store]\nkind = \"directory\"\npath = \"absent\"\n";
  CHECK_FALSE(store::open_store_from_config_file(config).has_value());  // never creates a store
  CHECK_FALSE(std::filesystem::exists(dir.path() / "absent"));

  std::ofstream(config, std::ios::trunc) << "[dock]\nid = \"dock-1\"\n";
  const auto no_table = store::open_store_from_config_file(config);
  REQUIRE_FALSE(no_table);
  CHECK(no_table.error().code == core::errc::invalid_argument);
  CHECK_THAT(no_table.error().context, Catch::Contains(config) && Catch::Contains("no [store] table"));

  std::ofstream(config, std::ios::trunc) << "[store\n";
  CHECK(store::open_store_from_config_file(config).error().code == core::errc::malformed);
  CHECK(store::open_store_from_config_file((dir.path() / "missing.toml").string()).error().code ==
        core::errc::not_found);
}
