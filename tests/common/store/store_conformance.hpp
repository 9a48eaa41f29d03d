// The store conformance suite: the contract of store_backend.hpp and store.hpp, written once against the
// `store` interface and run against every backend (memory, directory; S3 when it comes). A backend's test
// calls run_store_conformance from inside one TEST_CASE with a factory that makes a fresh, empty store for
// each call; each property is a Catch2 SECTION named for it, so a failure names the property and the backend.
#pragma once

#include "common/store/store.hpp"

#include <functional>
#include <memory>

namespace bodycam::tests::store {

struct store_fixture {
  common::store::store store;
  // Changes stored bytes of `key` behind the store's back (what bit rot or an attacker does).
  std::function<void(const common::store::store_key& key)> corrupt;
  // Opens another handle on the same stored content, in this process or in a forked child. Empty for a
  // backend that lives in one handle only (memory): the concurrency sections then share `store`.
  std::function<common::core::expected<common::store::store>()> reopen;
  // Whatever must outlive the store (a temporary directory), released with the fixture.
  std::shared_ptr<void> keep_alive;
};

using store_factory = std::function<store_fixture()>;

void run_store_conformance(const store_factory& make_fixture);

// Deterministic filler bytes for objects.
[[nodiscard]] common::core::byte_buffer pseudo_random_bytes(std::size_t size, std::uint32_t seed);

}  // namespace bodycam::tests::store
