// A segment_storage decorator that makes chosen operations fail, for fault loops and disk-full tests
// (STYLE.md practice 19): "fail the Nth write with ENOSPC after writing half of it", "fail the 3rd fdatasync
// with EIO", or "the disk holds 300 000 bytes". Failures look exactly like the real adapter's: the same
// error codes and messages, the same partial effects (a torn write leaves a prefix on disk). Test code: it
// lives with the media tests so that no library shipped on the camera carries it.
#pragma once

#include "firmware/media/segment_storage.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace bodycam::firmware::media::test {

enum class storage_op : std::uint8_t { create, write, datasync, sync, truncate, rename, sync_directory };

struct storage_fault {
  storage_op op = storage_op::write;
  std::uint64_t nth = 1;         // 1-based count of `op` calls across all files
  int error_number = 28;         // ENOSPC
  std::uint64_t torn_bytes = 0;  // write only: bytes written before failing (clamped to the request)
};

class fault_injecting_storage final : public segment_storage {
 public:
  explicit fault_injecting_storage(segment_storage& inner) : inner_(inner) {}

  // One fault at a time; set before or during a run.
  void set_fault(std::optional<storage_fault> fault);
  // A disk of this many bytes in total (across files, not counting truncation); writes past it fail with ENOSPC
  // after writing what fits.
  void set_capacity(std::optional<std::uint64_t> bytes);
  [[nodiscard]] std::uint64_t count(storage_op op) const;
  [[nodiscard]] bool has_fired() const;

  [[nodiscard]] common::core::expected<std::unique_ptr<segment_file>> create(
      const std::filesystem::path& path) override;
  [[nodiscard]] common::core::status rename_no_replace(const std::filesystem::path& from,
                                                       const std::filesystem::path& to) override;
  [[nodiscard]] common::core::status sync_directory(const std::filesystem::path& directory) override;
  [[nodiscard]] common::core::status check_writable(const std::filesystem::path& directory) override;

  // Called by the file wrapper: counts the op and returns the errno to fail with (0 = proceed).
  struct write_plan {
    int error_number = 0;
    std::uint64_t allowed = 0;  // bytes to write before failing
  };
  [[nodiscard]] write_plan plan_write(std::uint64_t requested);
  [[nodiscard]] int plan(storage_op op);

 private:
  segment_storage& inner_;
  mutable std::mutex mutex_;
  std::optional<storage_fault> fault_;
  std::optional<std::uint64_t> capacity_;
  std::uint64_t written_ = 0;
  std::uint64_t counts_[7] = {};
  bool fired_ = false;
};

}  // namespace bodycam::firmware::media::test
