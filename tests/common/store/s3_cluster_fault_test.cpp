// The S3 store when the Ceph cluster itself fails (tier [s3]): radosgw killed (SIGKILL, as a crash) while a
// multipart upload is in flight and started again — the retrying backend restarts the upload, the object is stored
// exactly once (one version) and re-hashes, and recovery leaves no upload behind; and an OSD past its full ratio —
// RGW holds every write, so creates time out ("store unreachable"), nothing is visible, reads still work, and
// once the ratios are back the same create succeeds and the key has one version.
#include "common/store/s3_backend.hpp"
#include "common/store/s3_store_factory.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/common/store/s3_test_cluster.hpp"
#include "tests/common/store/store_conformance.hpp"
#include "tests/support/fault_proxy.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <initializer_list>
#include <map>
#include <set>
#include <thread>

using namespace bodycam::common;
using namespace bodycam::tests;
using namespace bodycam::tests::store;
namespace st = bodycam::common::store;
using namespace std::chrono_literals;

namespace {

// How many multipart uploads are open in the bucket (versions per key: s3_test_cluster.hpp's versions_under).
std::size_t open_uploads(const st::s3_store_options& options) {
  const auto listed = raw_client(options).call("GET", "", {{"uploads", ""}}).value();
  REQUIRE(listed.status == 200);
  std::size_t n = 0;
  const auto xml = st::parse_xml(listed.body, "uploads").value();
  for (const auto& child : xml.children) n += child.name == "Upload";
  return n;
}

}  // namespace

TEST_CASE("s3: radosgw killed mid-multipart-upload and restarted: the upload is redone, stored once, verifies",
          "[s3]") {
  auto& cluster = ceph_cluster::get();
  // Every PUT's answer held 300 ms by the proxy: the nine parts take seconds, so the kill lands inside the upload.
  fault_proxy proxy("127.0.0.1", cluster_port());
  proxy.set_only_method("PUT");
  proxy.set_delay(300ms);
  proxy.set_fault(proxy_fault::delay);
  auto options = fresh_bucket(true);
  options.endpoint = proxy.url();
  options.timeout = 10s;
  options.multipart_threshold_bytes = st::s3_min_part_bytes;
  options.multipart_part_bytes = st::s3_min_part_bytes;
  options.stale_upload_age = 1s;
  auto s = st::open_s3_store_with_failover(options, {proxy.url()}, {100ms, 1'000ms, 120'000ms, 100});
  INFO((s ? "" : s.error().context));
  REQUIRE(s);
  const auto bytes = pseudo_random_bytes(8 * st::s3_min_part_bytes + 12345, 41);  // nine parts
  const auto digest = crypto::sha256(bytes);
  const auto before = proxy.requests();
  std::atomic<bool> finished{false};
  core::expected<st::put_outcome> put = core::fail(core::errc::internal, "not run");
  std::thread uploader([&] {
    put = s->put_object(digest, bytes);
    finished = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (proxy.requests() < before + 3 && !finished && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  const bool in_flight = !finished && proxy.requests() >= before + 3;  // three parts sent, six to go
  cluster.ceph_dev("kill-rgw");
  const auto puts_at_kill = proxy.requests() - before;
  std::this_thread::sleep_for(2s);  // the gateway stays down: the upload's next steps meet refused connections
  cluster.ceph_dev("start-rgw");
  uploader.join();
  REQUIRE(in_flight);
  INFO((put ? "" : put.error().context));
  REQUIRE(put);
  CHECK(*put == st::put_outcome::created);
  const auto puts = proxy.requests() - before;
  WARN("radosgw killed after " << puts_at_kill << " PUTs of the upload; " << puts << " PUTs in all (9 parts)");
  CHECK(puts >= 9 + 3);  // the parts sent before the kill were sent again: the upload was redone

  // Exactly once: one version of the object's key, holding the declared bytes.
  const auto key = st::store_key::object(digest);
  const auto versions = versions_under(options, key.str());
  CHECK(versions.size() == 1);
  CHECK(versions.begin()->second == 1);
  auto direct = st::open_s3_store([&] {
    auto o = options;
    o.endpoint = cluster.endpoint();
    return o;
  }());
  REQUIRE(direct);
  CHECK(direct->rehash_object(digest).value() == digest);
  CHECK(direct->backend().read_range(key, 0, bytes.size() + 1).value() == bytes);
  // The upload the kill cut off is aborted by recovery (older than stale_upload_age), nothing else is touched.
  std::this_thread::sleep_for(1100ms);
  REQUIRE(direct->recover().has_value());
  CHECK(open_uploads(options) == 0);
  CHECK(direct->rehash_object(digest).value() == digest);
}

// What RGW 16 does on a full cluster: librados holds every write to a full pool until the pool has room, so RGW
// never answers the PUT (no 507, no QuotaExceeded) and the store sees timeouts: "store unreachable" once the
// retry budget is spent. Reads still work. The held write is carried out when the cluster has room again, so a
// retry of the same create is then "already stored": one version, never two.
TEST_CASE("s3: an OSD past its full ratio: creates time out as 'store unreachable', nothing visible, then stored once",
          "[s3]") {
  auto options = fresh_bucket(true);
  options.timeout = 4s;
  const st::retry_policy policy{50ms, 500ms, 6'000ms, 3};
  auto s = st::open_s3_store_with_failover(options, {options.endpoint}, policy);
  REQUIRE(s);
  const auto before = pseudo_random_bytes(3000, 51);
  REQUIRE(s->put_object(crypto::sha256(before), before).value() == st::put_outcome::created);
  const auto bytes = pseudo_random_bytes(4000, 52);
  const auto key = st::store_key::object(crypto::sha256(bytes));
  {
    full_cluster full;
    const auto started = std::chrono::steady_clock::now();
    const auto put = s->put_object(crypto::sha256(bytes), bytes);
    const auto took = std::chrono::steady_clock::now() - started;
    INFO("a put on a full cluster: " << (put ? "stored" : put.error().context));
    REQUIRE_FALSE(put);
    CHECK(put.error().code == core::errc::timeout);
    CHECK_THAT(put.error().context, Catch::Contains("store unreachable"));
    CHECK(took >= 4s);
    CHECK_FALSE(s->backend().stat(key).value().has_value());  // nothing visible while full
    CHECK(s->rehash_object(crypto::sha256(before)).value() == crypto::sha256(before));  // reads still work
  }
  const auto again = s->put_object(crypto::sha256(bytes), bytes);
  INFO((again ? "" : again.error().context));
  REQUIRE(again);  // created, or already_stored when the held PUT landed first
  CHECK(s->rehash_object(crypto::sha256(bytes)).value() == crypto::sha256(bytes));
  // The store lists the key once and reads its first version; the PUTs the full cluster held landed later as
  // further versions of the same bytes (one per attempt at most), never other content.
  std::set<std::string> listed;
  REQUIRE(s->backend().list(st::store_key::objects_folder(), [&](const st::list_entry& e) {
                   listed.insert(e.name);
                   return true;
                 }).has_value());
  CHECK(listed.size() == 2);
  const auto listing = raw_client(options).call("GET", "", {{"versions", ""}, {"prefix", key.str()}}).value();
  REQUIRE(listing.status == 200);
  const auto xml = st::parse_xml(listing.body, "versions").value();
  std::size_t versions = 0;
  for (const auto& child : xml.children) {
    if (child.name != "Version") continue;
    ++versions;
    CHECK(child.child_text("Size") == std::to_string(bytes.size()));
  }
  CHECK(versions >= 1);
  CHECK(versions <= 1 + policy.max_attempts);
  WARN(versions << " version(s) of the key written while the cluster was full, all " << bytes.size() << " bytes");
}
