// The S3 backend against a real Ceph RGW (tier [s3]): the conformance suite unchanged, then what write-once
// means on S3: a bucket without Object Lock is refused at open, wrong credentials are refused naming the
// endpoint, and a stored object refuses a second create, an overwrite and a delete of its version, with its
// COMPLIANCE retention set; over HTTPS the suite passes and a certificate from another CA or for another host is
// refused. The cluster is s3_test_cluster.hpp's; tampering goes through `rados`, under RGW.
#include "common/store/s3_backend.hpp"
#include "common/store/s3_credentials.hpp"
#include "common/store/s3_store_factory.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/common/store/s3_test_cluster.hpp"
#include "tests/common/store/store_conformance.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

using namespace bodycam::common;
using namespace bodycam::tests;
using namespace bodycam::tests::store;
namespace st = bodycam::common::store;

namespace {

store_fixture make_s3_fixture_on(const st::s3_store_options& options) {
  auto opened = st::open_s3_store(options);
  INFO((opened ? "" : opened.error().context));
  REQUIRE(opened);
  return store_fixture{std::move(*opened),
                       [bucket = options.bucket](const st::store_key& key) { corrupt_in_rados(bucket, key); },
                       [options] { return st::open_s3_store(options); },
                       {}};
}

store_fixture make_s3_fixture() { return make_s3_fixture_on(fresh_bucket(true)); }

store_fixture make_tls_fixture() {
  auto fixture = make_s3_fixture_on(fresh_tls_bucket());
  REQUIRE_THAT(fixture.store.describe(), Catch::StartsWith("s3 store https://127.0.0.1:"));
  return fixture;
}

}  // namespace

TEST_CASE("the S3 backend keeps the store contract on Ceph RGW", "[s3]") {
  run_store_conformance(make_s3_fixture);
}

TEST_CASE("the S3 backend keeps the store contract over HTTPS on Ceph RGW", "[s3]") {
  run_store_conformance(make_tls_fixture);
}

TEST_CASE("s3: over HTTPS a certificate from another CA, or naming another host, is refused naming the endpoint",
          "[s3]") {
  auto options = fresh_tls_bucket();
  auto trusted = st::open_s3_store(options);
  INFO((trusted ? "" : trusted.error().context));
  REQUIRE(trusted);
  const auto bytes = pseudo_random_bytes(2000, 21);
  REQUIRE(trusted->put_object(crypto::sha256(bytes), bytes).value() == st::put_outcome::created);

  temp_dir other("bodycam-other-ca");
  REQUIRE(make_pki(other.path()).empty());
  auto wrong_ca = options;
  wrong_ca.ca_file = (other.path() / "ca.pem").string();
  auto system_cas = options;
  system_cas.ca_file.clear();
  auto wrong_host = options;
  wrong_host.endpoint = "https://localhost:" + options.endpoint.substr(options.endpoint.rfind(':') + 1);
  for (const auto& refused_options : {wrong_ca, system_cas, wrong_host}) {
    INFO("endpoint " << refused_options.endpoint << ", CA file '" << refused_options.ca_file << "'");
    const auto refused = st::open_s3_store(refused_options);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == core::errc::permission);
    CHECK_THAT(refused.error().context, Catch::Contains("connect to " + refused_options.endpoint) &&
                                            Catch::Contains("TLS handshake") &&
                                            Catch::Contains("certificate verify failed"));
  }
  auto missing_ca = options;
  missing_ca.ca_file = (other.path() / "no-such-ca.pem").string();
  const auto missing = st::open_s3_store(missing_ca);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == core::errc::invalid_argument);
  CHECK_THAT(missing.error().context, Catch::Contains(missing_ca.ca_file) && Catch::Contains(options.endpoint));
}

TEST_CASE("s3: a bucket without Object Lock is refused at open, and opens only with worm off", "[s3]") {
  auto options = fresh_bucket(false);
  const auto refused = st::open_s3_store(options);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == core::errc::unsupported);
  CHECK_THAT(refused.error().context, Catch::Contains("not write-once") && Catch::Contains("Object Lock") &&
                                          Catch::Contains(options.endpoint + "/" + options.bucket));
  options.worm = false;
  auto opened = st::open_s3_store(options);
  REQUIRE(opened);
  const auto bytes = pseudo_random_bytes(1000, 5);
  CHECK(opened->put_object(crypto::sha256(bytes), bytes).value() == st::put_outcome::created);
  CHECK(opened->rehash_object(crypto::sha256(bytes)).value() == crypto::sha256(bytes));
}

TEST_CASE("s3: a wrong secret key or access key is refused at open with a message naming the endpoint", "[s3]") {
  auto options = fresh_bucket(true);
  options.credentials.secret_access_key += "x";
  const auto wrong_secret = st::open_s3_store(options);
  REQUIRE_FALSE(wrong_secret);
  CHECK(wrong_secret.error().code == core::errc::permission);
  CHECK_THAT(wrong_secret.error().context,
             Catch::Contains(options.endpoint) && Catch::Contains("refused the credentials"));
  options.credentials = ceph_cluster::get().credentials();
  options.credentials.access_key_id = "NOSUCHKEY";
  const auto wrong_key = st::open_s3_store(options);
  REQUIRE_FALSE(wrong_key);
  CHECK(wrong_key.error().code == core::errc::permission);
  CHECK_THAT(wrong_key.error().context, Catch::Contains(options.endpoint));
}

TEST_CASE("s3: nothing answers on the endpoint: open fails naming it, within the timeout", "[s3]") {
  auto options = options_for("bodycam-nowhere");
  options.endpoint = "http://127.0.0.1:1";
  options.timeout = std::chrono::seconds(5);
  const auto opened = st::open_s3_store(options);
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error().context, Catch::Contains("http://127.0.0.1:1"));
}

TEST_CASE("s3: open probed the bucket: a locked probe object is there, outside every store folder", "[s3]") {
  const auto options = fresh_bucket(true);
  const auto backend = st::s3_backend::open(options);
  REQUIRE(backend);
  // RGW checks every PUT's payload hash: the payload probe was refused and left nothing (S1).
  CHECK((*backend)->payload_checked());
  auto& client = raw_client(options);
  const auto listing = client.call("GET", "", {{"versions", ""}, {"prefix", ".bodycam-probe/"}});
  REQUIRE(listing);
  REQUIRE(listing->status == 200);
  const auto xml = st::parse_xml(listing->body, "probe listing").value();
  std::vector<std::string> versions;
  for (const auto& child : xml.children)
    if (child.name == "Version" || child.name == "DeleteMarker") versions.emplace_back(child.child_text("Key"));
  // The write-once probe's versions only (RGW keeps the PUT over it as a newer version); none of the payload's.
  REQUIRE_FALSE(versions.empty());
  const std::string probe = versions.front();
  for (const auto& key : versions) CHECK(key == probe);
  CHECK_FALSE(probe.ends_with("-payload"));
  const auto retention = client.call("GET", probe, {{"retention", ""}});
  REQUIRE(retention);
  REQUIRE(retention->status == 200);
  CHECK(st::parse_xml(retention->body, "retention").value().child_text("Mode") == "COMPLIANCE");
}

TEST_CASE("s3: a stored object refuses a create over it, an overwrite and a delete of its version", "[s3]") {
  const auto options = fresh_bucket(true);
  auto s = st::open_s3_store(options).value();
  const auto bytes = pseudo_random_bytes(70'000, 9);
  const auto digest = crypto::sha256(bytes);
  REQUIRE(s.put_object(digest, bytes).value() == st::put_outcome::created);
  const auto key = st::store_key::object(digest).str();
  auto& client = raw_client(options);

  const auto head = client.call("HEAD", key).value();
  REQUIRE(head.status == 200);
  const auto version = head.header("x-amz-version-id");
  REQUIRE(version);
  CHECK(head.header("x-amz-object-lock-mode") == std::optional<std::string>("COMPLIANCE"));
  REQUIRE(head.header("x-amz-object-lock-retain-until-date"));

  // A rogue PUT over the key (RGW 16 ignores If-None-Match: * in a versioned bucket and adds a version).
  const auto over = client.call("PUT", key, {}, {{"if-none-match", "*"}}, "other bytes").value();
  INFO("PUT over a stored object: HTTP " << over.status);
  CHECK(over.header("x-amz-version-id") != version);
  const auto delete_version = client.call("DELETE", key, {{"versionId", *version}}).value();
  CHECK(delete_version.status == 403);
  const std::string shorter =
      "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>";
  const auto shorten = client.call("PUT", key, {{"retention", ""}, {"versionId", *version}},
                                   {{"content-md5", st::s3_content_md5(shorter)}}, shorter);
  REQUIRE(shorten);
  INFO("shorten retention: HTTP " << shorten->status << " " << shorten->body);
  CHECK(shorten->status == 403);

  const auto get = client.call("GET", key, {{"versionId", *version}}).value();
  REQUIRE(get.status == 200);
  CHECK(get.body == std::string(bytes.begin(), bytes.end()));
  CHECK(s.rehash_object(digest).value() == digest);
  CHECK(s.put_object(digest, bytes).value() == st::put_outcome::already_stored);
  // A handle opened after the rogue PUT reads the first version too.
  auto later = st::open_s3_store(options).value();
  CHECK(later.rehash_object(digest).value() == digest);
  CHECK(later.object_size(digest).value() == bytes.size());
}

TEST_CASE("s3: a record forked by a rogue PUT keeps its first bytes for every reader", "[s3]") {
  const auto options = fresh_bucket(true);
  auto s = st::open_s3_store(options).value();
  const auto entry = st::store_key::entry(st::entry_namespace::receipts, "r-1").value();
  REQUIRE(s.put_entry(st::entry_namespace::receipts, "r-1", std::vector<std::uint8_t>{'a'}).value() ==
          st::put_outcome::created);
  const auto rogue = raw_client(options).call("PUT", entry.str(), {}, {}, "b").value();
  REQUIRE(rogue.status == 200);
  auto later = st::open_s3_store(options).value();
  CHECK(later.get_entry(st::entry_namespace::receipts, "r-1").value() == std::vector<std::uint8_t>{'a'});
  const auto again = later.put_entry(st::entry_namespace::receipts, "r-1", std::vector<std::uint8_t>{'b'});
  REQUIRE_FALSE(again);
  CHECK(again.error().code == core::errc::conflict);
}

// A whole listing of a folder spares the creates that follow a lookup of each name it did not see (S1); a
// listing of some names only must not: a create of a name it could not see looks it up and stores no version.
TEST_CASE("s3: a listing of the names with a prefix is not taken for the whole folder", "[s3]") {
  const auto options = fresh_bucket(true);
  auto first = st::open_s3_store(options).value();
  REQUIRE(first.put_entry(st::entry_namespace::receipts, "cam-2.0-5", core::text_bytes("two")).value() ==
          st::put_outcome::created);
  auto second = st::open_s3_store(options).value();
  CHECK(second.list_entries(st::entry_namespace::receipts, "cam-1.").value().empty());
  CHECK(second.put_entry(st::entry_namespace::receipts, "cam-2.0-5", core::text_bytes("two")).value() ==
        st::put_outcome::already_stored);
  const auto key = st::store_key::entry(st::entry_namespace::receipts, "cam-2.0-5").value().str();
  const auto listed = raw_client(options).call("GET", "", {{"versions", ""}, {"prefix", key}}).value();
  REQUIRE(listed.status == 200);
  std::size_t versions = 0;
  const auto xml = st::parse_xml(listed.body, "versions").value();
  for (const auto& child : xml.children)
    if (child.name == "Version") ++versions;
  CHECK(versions == 1);
  // The whole folder's listing sees it as well.
  CHECK(second.list_entries(st::entry_namespace::receipts).value() == std::vector<std::string>{"cam-2.0-5"});
}

TEST_CASE("s3: a [store] table of kind s3 opens the bucket through the factory, credentials from their file", "[s3]") {
  const auto options = fresh_bucket(true);
  const auto& cluster = ceph_cluster::get();
  const toml::table root = toml::parse("[store]\nkind = \"s3\"\nendpoint = \"" + options.endpoint + "\"\nbucket = \"" +
                                           options.bucket + "\"\ncredentials_file = \"credentials\"\nretention_days = 2\n",
                                       std::string("dockd.toml"));
  const auto config = st::parse_store_config(*root["store"].as_table(), "dockd.toml", cluster.dir().string());
  REQUIRE(config);
  auto s = st::open_configured_store(*config, true);
  INFO((s ? "" : s.error().context));
  REQUIRE(s);
  CHECK(s->describe() == "s3 store " + options.endpoint + "/" + options.bucket);
  const auto bytes = pseudo_random_bytes(3000, 11);
  const auto before = std::chrono::system_clock::now();
  REQUIRE(s->put_object(crypto::sha256(bytes), bytes).value() == st::put_outcome::created);
  const auto after = std::chrono::system_clock::now();
  const auto head = raw_client(options).call("HEAD", st::store_key::object(crypto::sha256(bytes)).str()).value();
  const auto until = head.header("x-amz-object-lock-retain-until-date");
  REQUIRE(until);
  // Two days after the put, as configured (either side of the put, should midnight UTC fall in between).
  const auto earliest = st::s3_iso8601(before + std::chrono::days(2)).substr(0, 10);
  const auto latest = st::s3_iso8601(after + std::chrono::days(2)).substr(0, 10);
  INFO("retain until " << *until);
  CHECK((until->starts_with(earliest) || until->starts_with(latest)));
}

TEST_CASE("s3: bytes that do not hash to the declared SHA-256 are refused as corrupt whoever checks them, and nothing "
          "is stored", "[s3]") {
  const auto options = fresh_bucket(true);
  REQUIRE(st::s3_backend::open(options));  // the bucket proved write-once
  const std::string bytes = "the bytes a source really gave\n";
  const auto declared = crypto::sha256(std::string_view("the bytes its record names\n"));
  const auto key = st::store_key::object(declared);
  for (const bool payload_checked : {true, false}) {
    INFO("checked by " << (payload_checked ? "the server" : "the backend, before sending"));
    st::s3_backend backend(st::s3_client::make(options).value(), payload_checked);
    st::span_source source(core::byte_view(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    const auto created = backend.create(key, source, declared);
    REQUIRE_FALSE(created);
    CHECK(created.error().code == core::errc::corrupt);
    CHECK_THAT(created.error().context, Catch::Contains(crypto::sha256(std::string_view(bytes)).to_hex()) &&
                                            Catch::Contains("nothing stored"));
    const auto versions = raw_client(options).call("GET", "", {{"versions", ""}, {"prefix", key.str()}}).value();
    REQUIRE(versions.status == 200);
    CHECK(st::parse_xml(versions.body, "versions").value().child("Version") == nullptr);
    CHECK_FALSE(backend.stat(key).value().has_value());
  }
}
