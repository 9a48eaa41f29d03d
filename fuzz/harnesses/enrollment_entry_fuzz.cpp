// Fuzzes the enrollment register's readers (tools/enrollment): a stored enrollment entry (canonical ||
// signature) and the header of a sealed agency key file, both read from a store or a disk an attacker may
// have written.
// Invariants checked: an accepted entry keeps the input bytes, its canonical part re-encodes to itself
// (enrollment_entry.hpp invariant 1) and its hash is SHA-256 of that part; a sealed key header parses without
// reading past the file.
#include "common/crypto/sha256.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/enrollment/enrollment_entry.hpp"
#include "tools/enrollment/sealed_key.hpp"

namespace enrollment = bodycam::tools::enrollment;
using bodycam::fuzz::require;
using bodycam::fuzz::same_bytes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (auto e = enrollment::parse_enrollment_entry(input)) {
    require(same_bytes(e->bytes, input), "enrollment_entry", "the stored bytes are kept");
    const auto canonical = enrollment::canonical_bytes(e->body);
    require(canonical.size() + bodycam::common::crypto::signature::size == input.size() &&
                same_bytes(canonical, input.first(canonical.size())),
            "enrollment_entry", "the canonical part re-encodes to itself");
    require(e->hash == bodycam::common::crypto::sha256(bodycam::common::core::byte_view(canonical)),
            "enrollment_entry", "the hash is SHA-256 of the canonical part");
    (void)enrollment::verify_enrollment_signature(*e);
  }
  (void)enrollment::parse_sealed_key_header(input);
  return 0;
}
