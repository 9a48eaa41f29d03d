// Legal holds of the S3 backend against a real Ceph RGW (tier [s3], cluster of s3_test_cluster.hpp; S8 in
// s3_backend.hpp): a held version refuses deletion even after its COMPLIANCE retention lapsed, the hold is
// readable by GET ?legal-hold, and releasing it clears it, after which the lapsed version can be deleted. Holds
// name a key's first version, whatever a later rogue version is.
#include "common/store/s3_backend.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/common/store/s3_test_cluster.hpp"
#include "tests/common/store/store_conformance.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace bodycam::common;
using namespace bodycam::tests::store;

namespace {

// "ON", "OFF" or "none" (never held) for one version, read straight from the bucket.
std::string legal_hold_status(const st::s3_store_options& options, const std::string& key, const std::string& version) {
  const auto r = raw_client(options).call("GET", key, {{"legal-hold", ""}, {"versionId", version}}).value();
  if (r.status == 404) return "none";
  INFO("GET ?legal-hold: HTTP " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return std::string(st::parse_xml(r.body, "legal hold").value().child_text("Status"));
}

}  // namespace

TEST_CASE("s3: a legally held version refuses deletion after its retention lapsed; release clears the hold",
          "[s3]") {
  const auto options = fresh_bucket(true);  // stored objects get 1-day retention
  auto s = st::open_s3_store(options).value();
  auto& client = raw_client(options);

  // A stored object: held, and its hold readable through the backend and the bucket.
  const auto bytes = pseudo_random_bytes(4000, 41);
  const auto digest = crypto::sha256(bytes);
  REQUIRE(s.put_object(digest, bytes).value() == st::put_outcome::created);
  const auto object = st::store_key::object(digest);
  const std::string object_version = client.call("HEAD", object.str()).value().header("x-amz-version-id").value();
  CHECK(s.backend().legal_hold(object).value() == std::optional<bool>(false));
  REQUIRE(s.set_object_legal_hold(digest, true).value());
  CHECK(legal_hold_status(options, object.str(), object_version) == "ON");
  CHECK(s.backend().legal_hold(object).value() == std::optional<bool>(true));

  // A version whose COMPLIANCE retention lapses in 2 s, held before it lapses.
  const auto entry = st::store_key::entry(st::entry_namespace::receipts, "lapsing").value();
  const auto put = client
                       .call("PUT", entry.str(), {},
                             {{"x-amz-object-lock-mode", "COMPLIANCE"},
                              {"x-amz-object-lock-retain-until-date",
                               st::s3_iso8601(std::chrono::system_clock::now() + std::chrono::seconds(2))}},
                             "receipt bytes")
                       .value();
  REQUIRE(put.status == 200);
  const std::string version = put.header("x-amz-version-id").value();
  REQUIRE(s.backend().set_legal_hold(entry, true).value());
  CHECK(legal_hold_status(options, entry.str(), version) == "ON");
  std::this_thread::sleep_for(std::chrono::seconds(4));

  const auto held_delete = client.call("DELETE", entry.str(), {{"versionId", version}}).value();
  INFO("DELETE of the held version after its retention lapsed: HTTP " << held_delete.status << " "
                                                                       << held_delete.body);
  CHECK(held_delete.status == 403);
  CHECK(client.call("GET", entry.str(), {{"versionId", version}}).value().body == "receipt bytes");

  // Released: the hold reads OFF, and the lapsed version is deletable, so it was the hold that refused.
  REQUIRE(s.backend().set_legal_hold(entry, false).value());
  CHECK(legal_hold_status(options, entry.str(), version) == "OFF");
  CHECK(s.backend().legal_hold(entry).value() == std::optional<bool>(false));
  const auto released_delete = client.call("DELETE", entry.str(), {{"versionId", version}}).value();
  INFO("DELETE after release: HTTP " << released_delete.status << " " << released_delete.body);
  CHECK(released_delete.status == 204);

  // The stored object's release leaves its 1-day retention in force.
  REQUIRE(s.set_object_legal_hold(digest, false).value());
  CHECK(legal_hold_status(options, object.str(), object_version) == "OFF");
  CHECK(client.call("DELETE", object.str(), {{"versionId", object_version}}).value().status == 403);
  CHECK(s.rehash_object(digest).value() == digest);
}

TEST_CASE("s3: a legal hold names the key's first version, not a rogue later one; an absent key is not_found",
          "[s3]") {
  const auto options = fresh_bucket(true);
  auto s = st::open_s3_store(options).value();
  auto& client = raw_client(options);
  const auto device = record::device_id::parse("cam-7").value();
  const auto key = st::store_key::record(device, 3);
  const auto first = client.call("PUT", key.str(), {}, {}, "first").value();
  REQUIRE(first.status == 200);
  const auto rogue = client.call("PUT", key.str(), {}, {}, "rogue").value();
  REQUIRE(rogue.status == 200);
  REQUIRE(s.set_record_legal_hold(device, 3, true).value());
  CHECK(legal_hold_status(options, key.str(), first.header("x-amz-version-id").value()) == "ON");
  CHECK(legal_hold_status(options, key.str(), rogue.header("x-amz-version-id").value()) == "none");
  const auto absent = s.set_record_legal_hold(device, 4, true);
  REQUIRE_FALSE(absent);
  CHECK(absent.error().code == core::errc::not_found);
  CHECK_THAT(absent.error().context, Catch::Contains(options.endpoint));
}

TEST_CASE("s3: with worm off legal holds are not supported and nothing is sent", "[s3]") {
  auto options = fresh_bucket(false);
  options.worm = false;
  auto s = st::open_s3_store(options).value();
  const auto bytes = pseudo_random_bytes(100, 42);
  REQUIRE(s.put_object(crypto::sha256(bytes), bytes).value() == st::put_outcome::created);
  CHECK_FALSE(s.set_object_legal_hold(crypto::sha256(bytes), true).value());
  CHECK(s.backend().legal_hold(st::store_key::object(crypto::sha256(bytes))).value() == std::nullopt);
}
