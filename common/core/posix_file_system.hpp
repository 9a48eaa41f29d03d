// The real file_system: POSIX calls, one for one (open, write/pwrite, pread, ftruncate, fdatasync, fsync,
// rename, renameat2(RENAME_NOREPLACE) with link + unlink where the file system lacks it, unlink, fsync of the
// directory). Stateless: any number of instances may be made; it adds one virtual call per operation.
#pragma once

#include "common/core/file_system.hpp"

namespace bodycam::common::core {

class posix_file_system final : public file_system {
 public:
  [[nodiscard]] expected<std::unique_ptr<file>> open(const std::filesystem::path& path, open_mode how,
                                                     mode_t mode = 0644, bool exact_mode = false) override;
  [[nodiscard]] status rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  [[nodiscard]] status rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) override;
  [[nodiscard]] status unlink(const std::filesystem::path& path) override;
  [[nodiscard]] status sync_directory(const std::filesystem::path& directory) override;
  [[nodiscard]] expected<bool> exists(const std::filesystem::path& path) override;
};

}  // namespace bodycam::common::core
