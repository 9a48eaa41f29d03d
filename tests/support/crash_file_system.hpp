// The power-cut simulator: a file_system that passes every call on to the real files under one root (so
// readers see what a page cache would show) and remembers what is not yet durable: each file's writes and
// truncations since its last sync, and each directory's creates, renames and unlinks since its last
// directory sync. Syncs are not passed on (the simulator, not the disk, decides what survives), which keeps
// a thousand cuts fast. At a cut it rewrites the root to one state a disk may hold after the power failed,
// SQLite's crash-test model (test6.c) for file data:
//  - every synced byte survives; every unsynced write is independently kept, lost, torn (only a prefix of it
//    reached the platter) or zeroed (its blocks were allocated but never written); unsynced truncations are
//    kept or lost;
//  - a directory's unsynced name changes reach the disk in order, cut at a random point (a rename or unlink
//    not followed by a directory fsync may be lost, and so may a created file's name).
// Then the simulator is powered again and tracks the new state, so recovery itself can be cut as well.
// Files under the root that existed before the simulator saw them count as durable as they are.
// Not thread-safe: one test thread drives it.
#pragma once

#include "common/core/file_system.hpp"
#include "common/core/posix_file_system.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace bodycam::tests {

struct cut_report {
  std::uint64_t kept_writes = 0;
  std::uint64_t lost_writes = 0;
  std::uint64_t torn_writes = 0;
  std::uint64_t zeroed_writes = 0;
  std::uint64_t kept_name_changes = 0;
  std::uint64_t lost_name_changes = 0;
};

class crash_file_system final : public common::core::file_system {
 public:
  explicit crash_file_system(std::filesystem::path root);
  crash_file_system(const crash_file_system&) = delete;
  crash_file_system& operator=(const crash_file_system&) = delete;
  ~crash_file_system() override;

  // The power fails just before changing operation number `n` (1-based, counted from now: creates, writes,
  // truncations, syncs, renames, unlinks): it and every later call fail with errc::io. 0 disarms.
  void cut_before(std::uint64_t n) noexcept;
  // Changing operations and sync points since construction or the last cut().
  [[nodiscard]] std::uint64_t operations() const noexcept { return operations_; }
  [[nodiscard]] std::uint64_t sync_points() const noexcept { return sync_points_; }
  [[nodiscard]] bool is_powered_off() const noexcept { return powered_off_; }

  // Fails the power now (if it has not failed yet) and rewrites the root to a state a disk may hold after it.
  // Every file opened through this object must be closed first. Afterwards the power is on again.
  [[nodiscard]] cut_report cut(std::mt19937_64& rng);

  [[nodiscard]] common::core::expected<std::unique_ptr<common::core::file>> open(const std::filesystem::path& path,
                                                                                 common::core::open_mode how,
                                                                                 mode_t mode = 0644, bool exact_mode = false) override;
  [[nodiscard]] common::core::status rename(const std::filesystem::path& from,
                                            const std::filesystem::path& to) override;
  [[nodiscard]] common::core::status rename_no_replace(const std::filesystem::path& from,
                                                       const std::filesystem::path& to) override;
  [[nodiscard]] common::core::status unlink(const std::filesystem::path& path) override;
  [[nodiscard]] common::core::status sync_directory(const std::filesystem::path& directory) override;
  [[nodiscard]] common::core::expected<bool> exists(const std::filesystem::path& path) override;

 private:
  struct change {  // an unsynced write (truncate == false) or truncation
    bool truncate = false;
    std::uint64_t offset = 0;  // or the new length
    common::core::byte_buffer bytes;
  };
  struct inode {
    common::core::byte_buffer durable;
    std::vector<change> pending;
    int open_count = 0;
  };
  struct name_change {
    enum class kind { link, unlink, rename } what = kind::link;
    std::string from, to;
    std::shared_ptr<inode> node;
  };
  class tracked_file;

  [[nodiscard]] bool is_tracked(const std::filesystem::path& path) const;
  [[nodiscard]] static std::string key(const std::filesystem::path& path);
  // Counts a changing operation; false (and the power is off) if the power failed before it.
  [[nodiscard]] bool step(bool is_sync) noexcept;
  [[nodiscard]] std::shared_ptr<inode> adopt(const std::string& path);
  [[nodiscard]] common::core::status move(const std::filesystem::path& from, const std::filesystem::path& to,
                                          bool replace);
  static void apply(common::core::byte_buffer& content, const change& c);

  std::filesystem::path root_;
  common::core::posix_file_system real_;
  std::map<std::string, std::shared_ptr<inode>> current_;  // names as the running system sees them
  std::map<std::string, std::shared_ptr<inode>> durable_;  // names on stable storage
  std::map<std::string, std::vector<name_change>> pending_names_;  // by directory
  std::uint64_t operations_ = 0;
  std::uint64_t sync_points_ = 0;
  std::uint64_t cut_at_ = 0;
  bool powered_off_ = false;
};

}  // namespace bodycam::tests
