// The S3 store through a fault proxy (tests/support/fault_proxy.hpp) in front of the real Ceph RGW (tier [s3]):
// the conformance suite with PUTs dropped and answered 503 SlowDown at seeded random points (faults before RGW
// acts, on PUTs only: a fault on the version lookup after a PUT is a lost reply, answered already_stored, and
// the suite expects exact outcomes); a put storm through every kind of fault, after which a
// direct look at the bucket finds every item exactly once, its first version holding the declared bytes;
// failover from a dead endpoint; and "store unreachable" naming the endpoints when the proxy blackholes past
// the retry budget.
#include "common/store/s3_backend.hpp"
#include "common/store/s3_store_factory.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/common/store/s3_test_cluster.hpp"
#include "tests/common/store/store_conformance.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/loopback_port.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace bodycam::common;
using namespace bodycam::tests;
using namespace bodycam::tests::store;
namespace st = bodycam::common::store;
using namespace std::chrono_literals;

namespace {

core::expected<st::store> open_through(const st::s3_store_options& options, const std::vector<std::string>& endpoints,
                                       const st::retry_policy& policy) {
  auto o = options;
  o.endpoint = endpoints.front();
  return st::open_s3_store_with_failover(o, endpoints, policy);
}

}  // namespace

TEST_CASE("s3: the store contract holds through a proxy that drops PUTs and answers them SlowDown at random",
          "[s3]") {
  const auto seed = test_seed("s3 conformance through the fault proxy");
  fault_proxy proxy("127.0.0.1", cluster_port());
  proxy.set_random_faults(seed, 0.25, {proxy_fault::drop, proxy_fault::slow_down});
  proxy.set_only_method("PUT");
  const st::retry_policy policy{20ms, 200ms, 30'000ms, 30};
  run_store_conformance([&] {
    auto options = fresh_bucket(true);
    options.timeout = 10s;
    const std::vector<std::string> endpoints{proxy.url()};
    auto opened = open_through(options, endpoints, policy);
    INFO((opened ? "" : opened.error().context));
    REQUIRE(opened);
    return store_fixture{std::move(*opened),
                         [bucket = options.bucket](const st::store_key& key) { corrupt_in_rados(bucket, key); },
                         [options, endpoints, policy] { return open_through(options, endpoints, policy); },
                         {}};
  });
  // Catch runs this body once per section of the suite, each with its own proxy. A section of 30 PUTs or more
  // meets no fault with a chance of 0.75^30 < 0.02 % (requests() counts the faultable requests: PUTs).
  INFO(proxy.requests() << " requests, faulted: drop " << proxy.injected(proxy_fault::drop) << ", SlowDown "
                        << proxy.injected(proxy_fault::slow_down));
  CHECK((proxy.requests() < 30 || proxy.injected_total() > 0));
  static std::uint64_t drops = 0;
  static std::uint64_t slow_downs = 0;
  drops += proxy.injected(proxy_fault::drop);
  slow_downs += proxy.injected(proxy_fault::slow_down);
  WARN("so far over the suite's sections: " << drops << " connections dropped, " << slow_downs << " SlowDown");
}

TEST_CASE("s3: a put storm through every kind of fault loses nothing and stores each item once, as declared", "[s3]") {
  const auto seed = test_seed("s3 put storm through the fault proxy");
  fault_proxy proxy("127.0.0.1", cluster_port());
  proxy.set_delay(1200ms);
  proxy.set_random_faults(seed, 0.3);
  auto options = fresh_bucket(true);
  options.timeout = 1s;  // shorter than the proxy's delay: a delayed answer is a timeout
  auto s = open_through(options, {proxy.url()}, {20ms, 300ms, 60'000ms, 40});
  INFO((s ? "" : s.error().context));
  REQUIRE(s);

  std::mt19937 sizes(seed);
  std::map<std::string, core::byte_buffer> declared;  // key → bytes
  for (std::uint32_t i = 0; i < 24; ++i) {
    const auto bytes = pseudo_random_bytes(1 + sizes() % 150'000, seed + i);
    const auto digest = crypto::sha256(bytes);
    // As a dock does before it stores: list the folder and look the key up. Both findings of "absent" spare
    // the create one lookup, never its retry after a lost answer (S1), or the key would get a second version.
    REQUIRE(s->backend().list(st::store_key::objects_folder(), [](const st::list_entry&) { return true; }));
    REQUIRE_FALSE(s->has_object(digest).value());
    const auto put = s->put_object(digest, bytes);
    INFO("put " << i << ": " << (put ? "" : put.error().context));
    REQUIRE(put);  // 0 lost: every put is acknowledged (created, or already_stored after a lost reply)
    declared[st::store_key::object(digest).str()] = bytes;
  }
  INFO("faults: drop " << proxy.injected(proxy_fault::drop) << ", delay " << proxy.injected(proxy_fault::delay)
                       << ", reset " << proxy.injected(proxy_fault::reset_mid_body) << ", truncate "
                       << proxy.injected(proxy_fault::truncate) << ", SlowDown "
                       << proxy.injected(proxy_fault::slow_down));
  for (const auto kind : {proxy_fault::drop, proxy_fault::delay, proxy_fault::reset_mid_body, proxy_fault::truncate,
                          proxy_fault::slow_down})
    CHECK(proxy.injected(kind) > 0);

  // A direct look, no proxy: every key once, its first version holds the declared bytes.
  auto direct = st::open_s3_store(options);
  REQUIRE(direct);
  std::set<std::string> listed;
  REQUIRE(direct->backend()
              .list(st::store_key::objects_folder(),
                    [&](const st::list_entry& e) {
                      listed.insert(st::store_key::objects_folder().str() + "/" + e.name);
                      return true;
                    })
              .has_value());
  std::set<std::string> expected;
  for (const auto& [key, bytes] : declared) expected.insert(key);
  CHECK(listed == expected);
  for (const auto& [key, bytes] : declared) {
    const auto k = st::store_key::parse(key).value();
    const auto stored = direct->backend().read_range(k, 0, bytes.size() + 1);
    REQUIRE(stored);
    CHECK((*stored == bytes));
  }
  // 0 duplicates: one version per key (a retry looks the key up before it sends the bytes again).
  const auto versions = raw_client(options).call("GET", "", {{"versions", ""}, {"prefix", "objects/"}}).value();
  REQUIRE(versions.status == 200);
  const auto xml = st::parse_xml(versions.body, "versions").value();
  std::map<std::string, int> per_key;
  for (const auto& child : xml.children)
    if (child.name == "Version") ++per_key[std::string(child.child_text("Key"))];
  CHECK(per_key.size() == declared.size());
  for (const auto& [key, n] : per_key) {
    INFO(key);
    CHECK(n == 1);
  }
}

TEST_CASE("s3: with a dead first endpoint the store fails over to the next and works", "[s3]") {
  const auto options = fresh_bucket(true);
  const std::string dead = "http://127.0.0.1:" + std::to_string(free_loopback_port());
  auto s = open_through(options, {dead, ceph_cluster::get().endpoint()}, {20ms, 200ms, 20'000ms, 10});
  INFO((s ? "" : s.error().context));
  REQUIRE(s);
  CHECK_THAT(s->describe(), Catch::Contains(dead) && Catch::Contains("failover"));
  const auto bytes = pseudo_random_bytes(2000, 5);
  CHECK(s->put_object(crypto::sha256(bytes), bytes).value() == st::put_outcome::created);
  CHECK(s->rehash_object(crypto::sha256(bytes)).value() == crypto::sha256(bytes));
}

TEST_CASE("s3: a proxy that blackholes past the retry budget makes the store 'unreachable', naming the endpoint",
          "[s3]") {
  fault_proxy proxy("127.0.0.1", cluster_port());
  auto options = fresh_bucket(true);
  options.timeout = 1s;
  auto s = open_through(options, {proxy.url()}, {50ms, 200ms, 3'000ms, 20});
  REQUIRE(s);
  proxy.set_fault(proxy_fault::blackhole);
  const auto bytes = pseudo_random_bytes(1000, 6);
  const auto started = std::chrono::steady_clock::now();
  const auto put = s->put_object(crypto::sha256(bytes), bytes);
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(put);
  CHECK(put.error().code == core::errc::timeout);
  CHECK_THAT(put.error().context, Catch::Contains("store unreachable") && Catch::Contains(proxy.url()));
  INFO(put.error().context);
  CHECK(took >= 3s);
  CHECK(took < 8s);  // the budget, plus at most one timeout in flight
  CHECK(proxy.injected(proxy_fault::blackhole) > 0);
  proxy.set_fault(proxy_fault::none);
  CHECK(s->put_object(crypto::sha256(bytes), bytes).has_value());  // it answers again
}
