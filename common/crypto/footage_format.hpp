// The encrypted footage format, version 1 (docs/formats/encrypted-footage.md): constants, the header with its
// key envelopes, and the three primitives the writer and reader share — sealing a file key to a recipient,
// opening an envelope, and the header tag that binds the header to the file key. Pure: bytes in, bytes out.
// Invariants:
//  1. An envelope is byte-compatible with crypto_box_seal (ephemeral pk ‖ crypto_box_easy with the nonce
//     BLAKE2b-192(epk ‖ recipient pk)), so any libsodium crypto_box_seal_open opens it; only the ephemeral
//     key's randomness comes from the caller's random_fill.
//  2. parse_header_prefix and parse_header_rest read exactly the bytes they are given and check every field's
//     range before anything is allocated from it.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/footage_key.hpp"
#include "common/crypto/guarded_bytes.hpp"
#include "common/crypto/random_fill.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bodycam::common::crypto {

inline constexpr std::string_view footage_magic{"bodycam-footage\n", 16};
inline constexpr std::uint8_t footage_format_version = 1;
inline constexpr std::size_t footage_file_key_size = 32;
inline constexpr std::size_t footage_sealed_key_size = 80;       // crypto_box_SEALBYTES + 32
inline constexpr std::size_t footage_envelope_size = 8 + footage_sealed_key_size;
inline constexpr std::size_t footage_max_envelopes = 4;
inline constexpr std::size_t footage_stream_header_size = 24;    // secretstream xchacha20poly1305 header
inline constexpr std::size_t footage_header_tag_size = 32;
inline constexpr std::size_t footage_header_prefix_size = 16 + 1 + 1;  // magic, version, envelope count
inline constexpr std::size_t footage_length_prefix_size = 4;
inline constexpr std::size_t footage_message_overhead = 17;      // secretstream ABYTES
inline constexpr std::size_t footage_max_fragment_bytes = std::size_t{64} << 20;
inline constexpr std::string_view footage_header_key_context = "bodycam-footage-v1 header key";

struct footage_envelope {
  footage_key_id key_id;
  std::array<std::uint8_t, footage_sealed_key_size> sealed{};
};

struct footage_header {
  std::uint8_t version = footage_format_version;
  std::vector<footage_envelope> envelopes;
  std::array<std::uint8_t, footage_stream_header_size> stream_header{};
  std::array<std::uint8_t, footage_header_tag_size> tag{};
};

// Bytes of the header after the 18-byte prefix, for `envelope_count` envelopes (tag included).
[[nodiscard]] constexpr std::size_t footage_header_rest_size(std::size_t envelope_count) noexcept {
  return envelope_count * footage_envelope_size + footage_stream_header_size + footage_header_tag_size;
}

// H: every header byte before the tag (magic … stream header). The tag is computed over it, and it is the
// additional data of the first message.
[[nodiscard]] core::byte_buffer encode_header_body(const footage_header& header);
// H ‖ tag: what the file starts with.
[[nodiscard]] core::byte_buffer encode_header(const footage_header& header);

// Checks magic and version and returns the envelope count (1..footage_max_envelopes).
[[nodiscard]] core::expected<std::size_t> parse_header_prefix(core::byte_view prefix);
[[nodiscard]] core::expected<footage_header> parse_header_rest(std::size_t envelope_count, core::byte_view rest);

[[nodiscard]] core::expected<footage_envelope> seal_file_key(const footage_public_key& recipient,
                                                            core::byte_view file_key, const random_fill& random);
// The file key, or errc::bad_signature when the envelope does not open with `key`.
[[nodiscard]] core::expected<guarded_bytes> open_envelope(const footage_envelope& envelope,
                                                          const footage_secret_key& key);

// BLAKE2b-256 keyed with K_h = BLAKE2b-256(key = file key, message = footage_header_key_context), over H.
[[nodiscard]] std::array<std::uint8_t, footage_header_tag_size> compute_header_tag(core::byte_view header_body,
                                                                                   core::byte_view file_key);

}  // namespace bodycam::common::crypto
