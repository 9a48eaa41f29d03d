// The real segment_storage: POSIX files. create() is open(O_CREAT|O_EXCL); datasync() is fdatasync;
// rename_no_replace() is renameat2(RENAME_NOREPLACE) (link + unlink where the file system lacks it).
#pragma once

#include "firmware/media/segment_storage.hpp"

namespace bodycam::firmware::media {

class posix_segment_storage final : public segment_storage {
 public:
  [[nodiscard]] common::core::expected<std::unique_ptr<segment_file>> create(
      const std::filesystem::path& path) override;
  [[nodiscard]] common::core::status rename_no_replace(const std::filesystem::path& from,
                                                       const std::filesystem::path& to) override;
  [[nodiscard]] common::core::status sync_directory(const std::filesystem::path& directory) override;
  [[nodiscard]] common::core::status check_writable(const std::filesystem::path& directory) override;
};

}  // namespace bodycam::firmware::media
