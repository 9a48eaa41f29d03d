// segment_storage over the file-system port (common/core/file_system.hpp): the segment writer's creates,
// writes, syncs and renames go through the same port as the ledger and durable_file, so the power-cut
// simulator sees all of them. posix_segment_storage is this over posix_file_system. Errors keep the
// segment wording ("write segment S-000002.mp4.partial: write /rec/S-000002.mp4.partial: No space left
// on device").
#pragma once

#include "common/core/file_system.hpp"
#include "firmware/media/segment_storage.hpp"

namespace bodycam::firmware::media {

class file_segment_storage : public segment_storage {
 public:
  explicit file_segment_storage(common::core::file_system& files) noexcept : files_(files) {}

  [[nodiscard]] common::core::expected<std::unique_ptr<segment_file>> create(
      const std::filesystem::path& path) override;
  [[nodiscard]] common::core::status rename_no_replace(const std::filesystem::path& from,
                                                       const std::filesystem::path& to) override;
  [[nodiscard]] common::core::status sync_directory(const std::filesystem::path& directory) override;
  [[nodiscard]] common::core::status check_writable(const std::filesystem::path& directory) override;

 private:
  common::core::file_system& files_;
};

}  // namespace bodycam::firmware::media
