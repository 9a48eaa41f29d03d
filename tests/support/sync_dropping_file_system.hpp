// The negative control of the power-cut tests: a file_system decorator that removes one kind of sync from
// whatever code runs over it (returns success without passing the call on), as if that fsync had been
// deleted from the code. A crash test run over it must find a loss; if it does not, the simulator could not
// have failed the real test either. Test-only: production code never sees it.
#pragma once

#include "common/core/file_system.hpp"

#include <cstdint>

namespace bodycam::tests {

enum class dropped_sync {
  directory,  // sync_directory (the fsync after a rename or create)
  file,       // sync()/datasync() of files (the ledger's and the segments' fsync)
};

class sync_dropping_file_system final : public common::core::file_system {
 public:
  sync_dropping_file_system(common::core::file_system& inner, dropped_sync what) noexcept
      : inner_(inner), what_(what) {}

  // Syncs dropped so far (a control that dropped nothing proves nothing).
  [[nodiscard]] std::uint64_t dropped() const noexcept { return *dropped_; }

  [[nodiscard]] common::core::expected<std::unique_ptr<common::core::file>> open(const std::filesystem::path& path,
                                                                                 common::core::open_mode how,
                                                                                 mode_t mode = 0644, bool exact_mode = false) override;
  [[nodiscard]] common::core::status rename(const std::filesystem::path& from,
                                            const std::filesystem::path& to) override {
    return inner_.rename(from, to);
  }
  [[nodiscard]] common::core::status rename_no_replace(const std::filesystem::path& from,
                                                       const std::filesystem::path& to) override {
    return inner_.rename_no_replace(from, to);
  }
  [[nodiscard]] common::core::status unlink(const std::filesystem::path& path) override { return inner_.unlink(path); }
  [[nodiscard]] common::core::status sync_directory(const std::filesystem::path& directory) override;
  [[nodiscard]] common::core::expected<bool> exists(const std::filesystem::path& path) override {
    return inner_.exists(path);
  }

 private:
  common::core::file_system& inner_;
  dropped_sync what_;
  std::shared_ptr<std::uint64_t> dropped_ = std::make_shared<std::uint64_t>(0);
};

}  // namespace bodycam::tests
