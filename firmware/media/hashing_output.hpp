// The AVIOContext through which the muxer writes a segment: every byte goes to the segment file and, in the
// same call, into SHA-256 hashers (one over the whole file, one over the current region), so hashes are of
// exactly the bytes written, never of bytes read back. The context cannot seek: the muxer can never go back
// and patch bytes that were already hashed.
// With footage keys (encrypting mode, docs/formats/encrypted-footage.md) the file is an encrypted footage file:
// the header is written at create(), the muxer's bytes are held in memory until mark_region() and then written
// as one secretstream message, and finish_stream() writes the final message as a region of its own. The file
// hashers then see the ciphertext exactly as stored, and a plaintext hasher sees the muxer's bytes of every
// message written.
// Invariants:
//  1. bytes_written() counts bytes that the file accepted; both hashers have seen exactly those bytes.
//  2. Regions partition the bytes written: mark_region() returns [previous mark, bytes_written()) and its
//     SHA-256, then starts the next region.
//  3. After the first failed write, every later write fails with the same error (libav also latches it);
//     error() names the file and the cause.
//  4. mark_durable() records the current length and the whole-file hash state at that point, so a file cut
//     back to durable_length() has exactly durable_file_sha256().
//  5. Encrypting: a region is the header (first region only) plus exactly one message, so every region ends on
//     a message boundary and a file cut back to a region's end decrypts up to it; the plaintext digest at
//     mark_durable() covers exactly the plaintext of the messages in the durable prefix, in order.
//  6. finish_stream() closes the current region before it writes the final message, so the final message is
//     exactly its own region (4 + 17 bytes encrypting, empty in the clear) and the caller can account for it
//     apart from any tail (the mfra message) before it.
#pragma once

#include "common/crypto/footage_writer.hpp"
#include "common/crypto/sha256.hpp"
#include "firmware/media/av_handles.hpp"
#include "firmware/media/segment_storage.hpp"
#include "firmware/media/segment_summary.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace bodycam::firmware::media {

struct byte_region {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  common::crypto::sha256_digest sha256;
};

// The end of a stream (invariant 6): the last region before the final message, and the final message.
struct stream_end {
  byte_region before_final;
  byte_region final_message;  // encrypting: the TAG_FINAL message with its length prefix; in the clear: empty
};

class hashing_output {
 public:
  // No recipients: the file is the muxer's bytes. Recipients (1..4 footage public keys): encrypting mode,
  // the header is written before this returns.
  [[nodiscard]] static common::core::expected<std::unique_ptr<hashing_output>> create(
      std::unique_ptr<segment_file> file, std::span<const common::crypto::footage_public_key> recipients = {},
      const common::crypto::random_fill& random = {});

  hashing_output(const hashing_output&) = delete;
  hashing_output& operator=(const hashing_output&) = delete;
  ~hashing_output() = default;

  [[nodiscard]] AVIOContext* context() const noexcept { return context_.get(); }
  [[nodiscard]] segment_file& file() const noexcept { return *file_; }

  // Flushes libav's buffer into the file, then closes the current region (invariant 2).
  [[nodiscard]] common::core::expected<byte_region> mark_region();
  // Closes the current region as mark_region() does; encrypting, then writes the final message (TAG_FINAL) as
  // the next region (invariant 6). In the clear the final region is empty.
  [[nodiscard]] common::core::expected<stream_end> finish_stream();
  [[nodiscard]] common::core::status datasync();
  [[nodiscard]] common::core::status sync();
  void mark_durable() noexcept;  // invariant 4

  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return written_; }
  [[nodiscard]] common::crypto::sha256_digest file_sha256() const noexcept;
  [[nodiscard]] std::uint64_t durable_length() const noexcept { return durable_length_; }
  [[nodiscard]] common::crypto::sha256_digest durable_file_sha256() const noexcept;
  [[nodiscard]] const std::optional<common::core::error>& error() const noexcept { return error_; }
  [[nodiscard]] bool is_encrypting() const noexcept { return encryptor_.has_value(); }
  // Encrypting only (else nullopt): the plaintext of the durable prefix (invariant 5).
  [[nodiscard]] std::optional<plaintext_digest> durable_plaintext() const noexcept;

 private:
  explicit hashing_output(std::unique_ptr<segment_file> file) : file_(std::move(file)) {}
  static int write_callback(void* opaque, std::uint8_t* buffer, int size) noexcept;
  int write(std::uint8_t* buffer, int size) noexcept;
  [[nodiscard]] common::core::status write_to_file(common::core::byte_view bytes);
  [[nodiscard]] common::core::status encrypt_pending();

  // Hands the footage writer's output to write_to_file, so ciphertext is counted and hashed like clear bytes.
  class file_sink final : public common::crypto::footage_sink {
   public:
    explicit file_sink(hashing_output& out) noexcept : out_(out) {}
    [[nodiscard]] common::core::status write(common::core::byte_view bytes) override { return out_.write_to_file(bytes); }

   private:
    hashing_output& out_;
  };

  std::unique_ptr<segment_file> file_;
  av_io_context_ptr context_;
  common::crypto::sha256_hasher file_hasher_;
  common::crypto::sha256_hasher region_hasher_;
  common::crypto::sha256_hasher durable_hasher_;  // copy of file_hasher_ at the last mark_durable()
  std::uint64_t written_ = 0;
  std::uint64_t region_start_ = 0;
  std::uint64_t durable_length_ = 0;
  std::optional<common::core::error> error_;
  int error_code_ = 0;  // the AVERROR returned for every write after the first failure
  // Encrypting mode only.
  file_sink sink_{*this};
  std::optional<common::crypto::footage_writer> encryptor_;
  common::core::byte_buffer pending_;  // muxer bytes of the message being built
  common::crypto::sha256_hasher plaintext_hasher_;
  common::crypto::sha256_hasher durable_plaintext_hasher_;
  std::uint64_t plaintext_written_ = 0;
  std::uint64_t durable_plaintext_length_ = 0;
};

}  // namespace bodycam::firmware::media
