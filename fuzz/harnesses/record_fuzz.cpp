// Fuzzes the record decoder (common/record): the canonical bytes and the stored form (canonical || signature)
// that a dock reads from a camera and a clerk reads from a store.
// Invariants checked: an accepted canonical encoding re-encodes to exactly the input (one encoding per record);
// a parsed stored record keeps the input bytes, its canonical part re-encodes to itself and its hash is the
// SHA-256 of that part.
#include "common/crypto/sha256.hpp"
#include "common/record/record.hpp"
#include "fuzz/fuzz_check.hpp"

namespace record = bodycam::common::record;
using bodycam::fuzz::require;
using bodycam::fuzz::same_bytes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (auto decoded = record::decode_canonical(input)) {
    require(same_bytes(record::encode_canonical(*decoded), input), "record", "decode_canonical then encode_canonical == input");
  }
  if (auto stored = record::parse_signed_record(input)) {
    require(same_bytes(stored->bytes, input), "record", "parse_signed_record keeps the stored bytes");
    require(same_bytes(record::encode_canonical(stored->body), stored->canonical()), "record",
            "the canonical part of a stored record re-encodes to itself");
    require(stored->hash == bodycam::common::crypto::sha256(stored->canonical()), "record",
            "a stored record's hash is SHA-256 of its canonical part");
  }
  return 0;
}
