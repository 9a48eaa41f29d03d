// Is the store there and able to take footage? The dock asks at start and on its re-assessment timer, so the
// status page says "store up/down since ..." even when no camera is docked and nothing is being written.
// Guarantees: the probe only reads (the store's free space and a listing of its keys folder, stopped at the
// first entry, through the store port; nothing is written to the store), so an object store that has no
// free-space call is still asked something; it is down when the store does not answer (through an S3 store's
// retries: "store unreachable", errc::timeout), or when it has less than `min_free_bytes` left (a store
// that says nothing about its space is taken as up); the error names the store and the numbers.
#pragma once

#include "common/core/error.hpp"
#include "common/store/store.hpp"

#include <cstdint>

namespace bodycam::ingest::dockd {

inline constexpr std::uint64_t default_store_min_free_bytes = 64ull * 1024 * 1024;

[[nodiscard]] common::core::status probe_store(common::store::store& store,
                                               std::uint64_t min_free_bytes = default_store_min_free_bytes);

}  // namespace bodycam::ingest::dockd
