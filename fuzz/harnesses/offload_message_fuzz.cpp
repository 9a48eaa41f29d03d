// Fuzzes the offload protocol's message decoder (common/offload): every message a dock sends a camera and
// every answer a camera sends back, one message per link data frame.
// Invariant checked (message.hpp invariant 1): decode accepts only what encode produces, so an accepted
// message re-encodes to exactly the input bytes, and decodes again to an equal message.
#include "common/offload/message.hpp"
#include "fuzz/fuzz_check.hpp"

namespace offload = bodycam::common::offload;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  auto decoded = offload::decode(input);
  if (!decoded) return 0;
  auto encoded = offload::encode(*decoded);
  require(encoded.has_value(), "offload_message", "an accepted message encodes");
  require(bodycam::fuzz::same_bytes(*encoded, input), "offload_message", "decode then encode == input");
  require(offload::type_of(*decoded) == offload::type_of(*offload::decode(*encoded)), "offload_message",
          "the re-encoded message decodes to the same type");
  return 0;
}
