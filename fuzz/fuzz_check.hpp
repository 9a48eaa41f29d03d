// What every harness shares: the check that stops the fuzzer (or fails the replay test) when a parser breaks
// one of its own invariants, and the views of the fuzz input as bytes and as text.
// Guarantees: a failed check prints which harness and invariant to stderr and aborts, so libFuzzer saves the
// input as a crash and a replay test exits non-zero; nothing here allocates on the success path.
#pragma once

#include "common/core/bytes.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace bodycam::fuzz {

inline void require(bool holds, const char* harness, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "fuzz %s: invariant broken: %s\n", harness, invariant);
  std::abort();
}

[[nodiscard]] inline common::core::byte_view as_bytes(const std::uint8_t* data, std::size_t size) noexcept {
  return size == 0 ? common::core::byte_view{} : common::core::byte_view(data, size);
}

[[nodiscard]] inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return size == 0 ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(data), size);
}

[[nodiscard]] inline bool same_bytes(common::core::byte_view a, common::core::byte_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace bodycam::fuzz

// The libFuzzer entry every harness defines; the replay test's main calls it for each corpus file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
