// The conformance suite against the memory backend (a fast unit test, and the proof that the suite is written
// to the port rather than to the directory backend), and the memory backend's own capacity limit.
#include "common/store/memory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "tests/common/store/forwarding_backend.hpp"
#include "tests/common/store/store_conformance.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>

using namespace bodycam::common;
using namespace bodycam::tests::store;
using bodycam::tests::fixed_key;

TEST_CASE("the memory backend keeps the store contract") {
  run_store_conformance([] {
    auto backend = std::make_unique<store::memory_backend>();
    auto* raw = backend.get();
    return store_fixture{store::store(std::move(backend)),
                         [raw](const store::store_key& key) {
                           auto bytes = raw->read_range(key, 0, std::size_t{1} << 30).value();
                           if (bytes.empty())
                             bytes.push_back(0x42);
                           else
                             bytes[bytes.size() / 2] ^= 0x20;
                           raw->tamper(key, std::move(bytes));
                         },
                         {},
                         {}};
  });
}

TEST_CASE("a full memory store refuses a put with no_space naming the object, and keeps what it had") {
  store::store s(std::make_unique<store::memory_backend>(1000));
  const auto small = pseudo_random_bytes(600, 1);
  const auto large = pseudo_random_bytes(600, 2);
  REQUIRE(s.put_object(crypto::sha256(small), small).value() == store::put_outcome::created);
  const auto full = s.put_object(crypto::sha256(large), large);
  REQUIRE_FALSE(full.has_value());
  CHECK(full.error().code == core::errc::no_space);
  CHECK_THAT(full.error().context, Catch::Contains(crypto::sha256(large).to_hex()));
  CHECK_FALSE(s.has_object(crypto::sha256(large)).value());
  CHECK(s.rehash_object(crypto::sha256(small)).value() == crypto::sha256(small));
  CHECK(s.space().value().available_bytes == 400u);
}

TEST_CASE("the memory backend has no legal holds: placing one answers 'not supported' and changes nothing") {
  store::store s(std::make_unique<store::memory_backend>());
  const auto bytes = pseudo_random_bytes(100, 3);
  REQUIRE(s.put_object(crypto::sha256(bytes), bytes).value() == store::put_outcome::created);
  CHECK_FALSE(s.set_object_legal_hold(crypto::sha256(bytes), true).value());
  CHECK(s.backend().legal_hold(store::store_key::object(crypto::sha256(bytes))).value() == std::nullopt);
  CHECK(s.rehash_object(crypto::sha256(bytes)).value() == crypto::sha256(bytes));
}

namespace {

// Counts the creates and the reads (opens) that reach the backend under it.
class call_counter final : public bodycam::tests::forwarding_backend {
 public:
  using forwarding_backend::forwarding_backend;
  core::expected<store::create_outcome> create(const store::store_key& key, store::byte_source& source,
                                               const crypto::sha256_digest& sha) override {
    ++creates;
    return forwarding_backend::create(key, source, sha);
  }
  core::expected<std::unique_ptr<store::object_reader>> open(const store::store_key& key) const override {
    ++reads;
    return forwarding_backend::open(key);
  }
  std::atomic<int> creates{0};
  mutable std::atomic<int> reads{0};
};

}  // namespace

TEST_CASE("a public key a handle has stored or found stored is not put again through it; another still conflicts") {
  store::memory_backend memory;
  const crypto::labelled_public_key dock{"dock-1", fixed_key(5).public_key()};
  const crypto::labelled_public_key other{"dock-1", fixed_key(6).public_key()};
  {
    auto counting = std::make_unique<call_counter>(memory);
    auto* calls = counting.get();
    store::store s(std::move(counting));
    CHECK(s.put_public_key(dock).value() == store::put_outcome::created);
    CHECK(s.put_public_key(dock).value() == store::put_outcome::already_stored);
    CHECK(s.put_public_key(dock).value() == store::put_outcome::already_stored);
    CHECK(calls->creates == 1);
    CHECK(calls->reads == 0);
    CHECK(s.put_public_key(other).error().code == core::errc::conflict);  // asked of the store, and refused
    CHECK(calls->creates == 2);
  }
  auto counting = std::make_unique<call_counter>(memory);  // a new handle: found stored once, then remembered
  auto* calls = counting.get();
  store::store s(std::move(counting));
  CHECK(s.put_public_key(dock).value() == store::put_outcome::already_stored);
  CHECK(s.put_public_key(dock).value() == store::put_outcome::already_stored);
  CHECK(calls->creates == 1);
  CHECK(calls->reads == 1);
}

namespace {

// Fails the reads of the given keys (errc::io naming the key); forwards the rest.
class failing_reads final : public bodycam::tests::forwarding_backend {
 public:
  failing_reads(store::store_backend& inner, std::set<std::string> keys)
      : forwarding_backend(inner), keys_(std::move(keys)) {}
  core::expected<std::unique_ptr<store::object_reader>> open(const store::store_key& key) const override {
    if (keys_.contains(key.str())) return core::fail(core::errc::io, "read " + key.str() + ": injected");
    return forwarding_backend::open(key);
  }

 private:
  std::set<std::string> keys_;
};

}  // namespace

TEST_CASE("a device's records are read several at once and come back in seq order; the first one that cannot be "
          "read is the error") {
  store::memory_backend memory;
  std::string words = "boot";
  for (int i = 0; i < 99; ++i) words += " seg";
  const auto chain = bodycam::tests::chain_scenario("cam-3").run(words).records();
  REQUIRE(chain.size() == 100);
  const auto device = chain.front().body.device;
  {
    store::store s(std::make_unique<failing_reads>(memory, std::set<std::string>{}));
    for (const auto& r : chain) REQUIRE(s.put_record(r).value() == store::put_outcome::created);
    const auto inputs = store::read_record_inputs(s, device).value();
    REQUIRE(inputs.size() == chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
      CHECK(inputs[i].claimed_seq == i);
      CHECK(inputs[i].origin == "records/cam-3/" + std::to_string(i));
      CHECK(inputs[i].bytes == chain[i].bytes);
    }
  }
  store::store s(std::make_unique<failing_reads>(memory, std::set<std::string>{"records/cam-3/37", "records/cam-3/80"}));
  const auto failed = store::read_record_inputs(s, device);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().context.find("records/cam-3/37") != std::string::npos);
}
