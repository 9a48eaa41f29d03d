// Writes an encrypted footage file (docs/formats/encrypted-footage.md) incrementally: start() writes the
// header, each append_fragment() writes one framed secretstream message, finish() writes the empty final
// message tagged TAG_FINAL. Nothing is held back between calls, so after a power cut every fragment whose
// append returned (and was synced by the caller) decrypts. The camera only ever has public keys.
// Invariants:
//  1. Each call hands the sink exactly one write: the header, or one length-prefixed message. The caller
//     syncs after it; a partial write is what the reader reports as `truncated`.
//  2. A fresh 32-byte file key per file, drawn from the caller's random_fill, lives only in guarded memory
//     (inside the secretstream state) and is wiped when the writer goes; it is sealed to every recipient.
//  3. After any failure (a sink error) the writer refuses further calls: a file is never continued past a hole.
//  4. digests() are of exactly the bytes handed to the sink and the plaintext accepted, in order.
#pragma once

#include "common/crypto/footage_format.hpp"
#include "common/crypto/footage_hashes.hpp"
#include "common/crypto/footage_stream.hpp"

#include <span>

namespace bodycam::common::crypto {

// Where one message sits in the file: the length prefix starts at `offset`; `length` counts prefix and
// ciphertext together (the bytes a recorder's fragment row points at).
struct written_message {
  std::uint64_t index = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

class footage_writer {
 public:
  // `recipients`: the agency footage key first, then optionally an escrow key (1..4 keys in all).
  [[nodiscard]] static core::expected<footage_writer> start(footage_sink& sink,
                                                            std::span<const footage_public_key> recipients,
                                                            const random_fill& random);

  footage_writer(footage_writer&&) noexcept = default;
  footage_writer& operator=(footage_writer&&) noexcept = default;

  // One fragment (1 .. footage_max_fragment_bytes bytes of plaintext).
  [[nodiscard]] core::expected<written_message> append_fragment(core::byte_view plaintext);
  // Writes the final message and returns the digests; the writer accepts nothing after.
  [[nodiscard]] core::expected<footage_digests> finish();

  [[nodiscard]] std::uint64_t fragment_count() const noexcept { return next_index_; }

 private:
  footage_writer(footage_sink& sink, guarded_bytes state, core::byte_buffer header_body)
      : sink_(&sink), state_(std::move(state)), header_body_(std::move(header_body)) {}
  [[nodiscard]] core::expected<written_message> push(core::byte_view plaintext, unsigned char tag);

  footage_sink* sink_;
  guarded_bytes state_;            // crypto_secretstream_xchacha20poly1305_state
  core::byte_buffer header_body_;  // H: additional data of message 0, released after it
  core::byte_buffer frame_;
  footage_hashes hashes_;
  std::uint64_t next_index_ = 0;
  std::uint64_t offset_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace bodycam::common::crypto
