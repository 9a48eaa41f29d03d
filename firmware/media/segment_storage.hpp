// The file-system port of the segment writer: every byte of footage reaches the disk through it. The real
// adapter is posix_segment_storage; the tests wrap any storage in a decorator that makes the Nth operation
// fail (the fault loops and the disk-full tests). Errors name the operation and the file:
// "write segment S-000002.mp4.partial: No space left on device".
// Contract of an implementation:
//  1. create() makes a new file and fails if the name exists (no footage is ever overwritten).
//  2. write() writes all bytes or fails; after a failure the file may hold a prefix of them.
//  3. datasync()/sync() return only when the data (and for sync, the metadata) is on stable storage.
//  4. rename_no_replace() fails rather than replace an existing target.
#pragma once

#include "common/core/bytes.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>

namespace bodycam::firmware::media {

class segment_file {
 public:
  virtual ~segment_file() = default;  // closes; never syncs (that is an explicit call)
  [[nodiscard]] virtual common::core::status write(common::core::byte_view bytes) = 0;
  [[nodiscard]] virtual common::core::status datasync() = 0;
  [[nodiscard]] virtual common::core::status sync() = 0;
  [[nodiscard]] virtual common::core::status truncate(std::uint64_t length) = 0;
  [[nodiscard]] virtual const std::filesystem::path& path() const noexcept = 0;
};

class segment_storage {
 public:
  virtual ~segment_storage() = default;
  [[nodiscard]] virtual common::core::expected<std::unique_ptr<segment_file>> create(
      const std::filesystem::path& path) = 0;
  [[nodiscard]] virtual common::core::status rename_no_replace(const std::filesystem::path& from,
                                                               const std::filesystem::path& to) = 0;
  [[nodiscard]] virtual common::core::status sync_directory(const std::filesystem::path& directory) = 0;
  // Checks that new files can be made in `directory` (exists, is a directory, creating a file works).
  [[nodiscard]] virtual common::core::status check_writable(const std::filesystem::path& directory) = 0;
};

}  // namespace bodycam::firmware::media
