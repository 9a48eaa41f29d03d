#include "common/crypto/footage_buffer.hpp"

#include <algorithm>
#include <string>

namespace bodycam::common::crypto {

core::expected<sealed_footage> seal_footage_buffer(core::byte_view plaintext,
                                                   std::span<const footage_public_key> recipients,
                                                   const random_fill& random, std::size_t block_bytes) {
  if (block_bytes == 0 || block_bytes > footage_max_fragment_bytes)
    return core::fail(core::errc::invalid_argument,
                      "encrypt footage in memory: block of " + std::to_string(block_bytes) + " bytes");
  memory_sink sink;
  auto writer = footage_writer::start(sink, recipients, random);
  if (!writer) return std::unexpected(writer.error());
  for (std::size_t at = 0; at < plaintext.size(); at += block_bytes) {
    const std::size_t n = std::min(block_bytes, plaintext.size() - at);
    if (auto ok = writer->append_fragment(plaintext.subspan(at, n)); !ok) return std::unexpected(ok.error());
  }
  auto digests = writer->finish();
  if (!digests) return std::unexpected(digests.error());
  return sealed_footage{sink.bytes(), *digests};
}

}  // namespace bodycam::common::crypto
