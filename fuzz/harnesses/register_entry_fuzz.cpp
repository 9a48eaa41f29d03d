// Fuzzes the reader of the access and retention registers' entries (tools/registers): canonical || signature
// as stored, read back by every audit and bundle.
// Invariants checked (register_entry.hpp invariant 1): an accepted entry keeps the input bytes, its canonical
// part re-encodes to itself and its hash is SHA-256 of that part.
#include "common/crypto/sha256.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/registers/register_entry.hpp"

namespace registers = bodycam::tools::registers;
using bodycam::fuzz::require;
using bodycam::fuzz::same_bytes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  auto e = registers::parse_signed_entry(input);
  if (!e) return 0;
  require(same_bytes(e->bytes, input), "register_entry", "the stored bytes are kept");
  const auto canonical = registers::canonical_bytes(e->body);
  require(canonical.size() + bodycam::common::crypto::signature::size == input.size() &&
              same_bytes(canonical, input.first(canonical.size())),
          "register_entry", "the canonical part re-encodes to itself");
  require(e->hash == bodycam::common::crypto::sha256(bodycam::common::core::byte_view(canonical)), "register_entry",
          "the hash is SHA-256 of the canonical part");
  return 0;
}
