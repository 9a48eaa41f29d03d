// The AVIOContext through which the muxer writes a segment: every byte goes to the segment file and, in the
// same call, into SHA-256 hashers (one over the whole file, one over the current region), so hashes are of
// exactly the bytes written, never of bytes read back. The context cannot seek: the muxer can never go back
// and patch bytes that were already hashed.
// Invariants:
//  1. bytes_written() counts bytes that the file accepted; both hashers have seen exactly those bytes.
//  2. Regions partition the bytes written: mark_region() returns [previous mark, bytes_written()) and its
//     SHA-256, then starts the next region.
//  3. After the first failed write, every later write fails with the same error (libav also latches it);
//     error() names the file and the cause.
//  4. mark_durable() records the current length and the whole-file hash state at that point, so a file cut
//     back to durable_length() has exactly durable_file_sha256().
#pragma once

#include "common/crypto/sha256.hpp"
#include "firmware/media/av_handles.hpp"
#include "firmware/media/segment_storage.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace bodycam::firmware::media {

struct byte_region {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  common::crypto::sha256_digest sha256;
};

class hashing_output {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<hashing_output>> create(
      std::unique_ptr<segment_file> file);

  hashing_output(const hashing_output&) = delete;
  hashing_output& operator=(const hashing_output&) = delete;
  ~hashing_output() = default;

  [[nodiscard]] AVIOContext* context() const noexcept { return context_.get(); }
  [[nodiscard]] segment_file& file() const noexcept { return *file_; }

  // Flushes libav's buffer into the file, then closes the current region (invariant 2).
  [[nodiscard]] common::core::expected<byte_region> mark_region();
  [[nodiscard]] common::core::status datasync();
  [[nodiscard]] common::core::status sync();
  void mark_durable() noexcept;  // invariant 4

  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return written_; }
  [[nodiscard]] common::crypto::sha256_digest file_sha256() const noexcept;
  [[nodiscard]] std::uint64_t durable_length() const noexcept { return durable_length_; }
  [[nodiscard]] common::crypto::sha256_digest durable_file_sha256() const noexcept;
  [[nodiscard]] const std::optional<common::core::error>& error() const noexcept { return error_; }

 private:
  explicit hashing_output(std::unique_ptr<segment_file> file) : file_(std::move(file)) {}
  static int write_callback(void* opaque, std::uint8_t* buffer, int size) noexcept;
  int write(std::uint8_t* buffer, int size) noexcept;

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
};

}  // namespace bodycam::firmware::media
