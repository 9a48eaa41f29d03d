// Encrypts a whole footage file held in memory (a statement's WAV, for instance) into the format of
// docs/formats/encrypted-footage.md, in messages of at most `block_bytes` of plaintext each, and returns the
// ciphertext with its two digests. For files that are complete before they are written; a recording written
// as it happens uses footage_writer directly, one message per fragment.
// Guarantees: the result decrypts to exactly `plaintext`; the digests are of exactly the returned ciphertext
// and of `plaintext`; nothing is written anywhere.
#pragma once

#include "common/crypto/footage_writer.hpp"

namespace bodycam::common::crypto {

struct sealed_footage {
  core::byte_buffer ciphertext;
  footage_digests digests;
};

inline constexpr std::size_t footage_default_block_bytes = std::size_t{64} << 10;

[[nodiscard]] core::expected<sealed_footage> seal_footage_buffer(core::byte_view plaintext,
                                                                 std::span<const footage_public_key> recipients,
                                                                 const random_fill& random,
                                                                 std::size_t block_bytes = footage_default_block_bytes);

}  // namespace bodycam::common::crypto
