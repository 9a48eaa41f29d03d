// Test support: an SQLite VFS that wraps the default one and breaks it on purpose, so tests can make the
// Nth write or sync fail and check what the ledger leaves behind (SQLite's own test strategy).
// Faults: fail the Nth call once (a transient error), fail it and every call after (a dead disk), or cut
// the power at the Nth call: every write since the file's last successful xSync is undone on disk (old
// bytes restored, the file truncated to its size at that sync), then every later call fails until the
// connection is closed. The power-cut model is "unsynced writes are lost, synced ones survive"; it does not
// model torn sectors, reordered writes that survive, or directory entries (SQLite fsyncs the directory for
// the WAL it creates, and a deleted file's undo log is dropped with it).
// The VFS is registered under its own name while the object lives (never as the default); open a ledger
// with open_options::vfs = name(). Close every connection that uses it before destroying it.
// It implements SQLite's VFS interface, so it calls SQLite's C API directly; production code reaches SQLite
// only through common/sqlite.
// Not thread-safe: one test thread drives it.
#pragma once

#include "common/core/error.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bodycam::tests::ledger {

class fault_vfs {
 public:
  enum class call { write, sync };
  enum class effect { fail_once, fail_from_then_on, power_cut };
  struct fault {
    call on = call::write;
    std::uint64_t nth = 1;  // 1-based, counted from arm()
    effect what = effect::fail_once;
  };

  [[nodiscard]] static common::core::expected<std::unique_ptr<fault_vfs>> create(std::string name);
  fault_vfs(const fault_vfs&) = delete;
  fault_vfs& operator=(const fault_vfs&) = delete;
  ~fault_vfs();

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  // Resets the counters and the fired flag; the next matching calls count from 1.
  void arm(fault f) noexcept;
  // No fault; counters restart. Also restores power after a cut (for the next connection).
  void disarm() noexcept;

  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_; }
  [[nodiscard]] std::uint64_t syncs() const noexcept { return syncs_; }
  [[nodiscard]] bool has_fired() const noexcept { return fired_; }
  [[nodiscard]] bool is_powered_off() const noexcept { return powered_off_; }
  // Unsynced writes (and truncations) the last power cut undid.
  [[nodiscard]] std::uint64_t undone_writes() const noexcept { return undone_writes_; }

 private:
  struct undo_entry {
    std::int64_t offset = 0;
    std::vector<unsigned char> old_bytes;  // what the region held before (only the part below the old size)
  };
  struct undo_log {
    std::int64_t synced_size = 0;  // file size at the last sync (before the first unsynced change)
    std::vector<undo_entry> entries;
  };
  struct file;
  friend struct fault_vfs_hooks;

  explicit fault_vfs(std::string name);
  // Decides whether this call fails; counts it; cuts the power if that is the fault.
  [[nodiscard]] bool should_fail(call c) noexcept;
  void cut_power() noexcept;
  void remember(const std::string& path, sqlite3_file* real, std::int64_t offset, std::int64_t length);

  std::string name_;
  sqlite3_vfs* base_ = nullptr;
  sqlite3_vfs vfs_{};
  bool registered_ = false;

  fault armed_{};
  bool is_armed_ = false;
  bool fired_ = false;
  bool powered_off_ = false;
  std::uint64_t writes_ = 0;
  std::uint64_t syncs_ = 0;
  std::uint64_t undone_writes_ = 0;
  std::map<std::string, undo_log> undo_;  // by path: writes not yet covered by a successful xSync
};

}  // namespace bodycam::tests::ledger
