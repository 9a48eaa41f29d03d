// An SQLite VFS whose file data goes through the file-system port (common/core/file_system.hpp): every read,
// write, truncation, sync and delete of the main database, its WAL and its journals is a call on the port,
// so the power-cut simulator sees the ledger's I/O exactly as it sees the segment files'. Locks, the WAL
// index (-shm, never durable) and temporary files stay with SQLite's default VFS: each file is also opened
// there (a "shadow" handle used only for locking and shared memory).
// Like SQLite's unix VFS, the directory of a newly created WAL or journal is synced at that file's first
// sync, and a delete with SQLite's sync-directory flag syncs the directory.
// Limit: closing a file closes the port's descriptor too, which on POSIX drops the process's locks on that
// file; use one connection per file per process (the tests do). The production ledger keeps SQLite's default
// VFS until this is lifted.
// Registered under its own name while the object lives (never as the default); open a database with that
// name (ledger::open_options::vfs). Close every connection that uses it before destroying it.
#pragma once

#include "common/core/error.hpp"
#include "common/core/file_system.hpp"

#include <sqlite3.h>

#include <memory>
#include <string>

namespace bodycam::common::sqlite {

class port_vfs {
 public:
  [[nodiscard]] static core::expected<std::unique_ptr<port_vfs>> create(std::string name, core::file_system& files);
  port_vfs(const port_vfs&) = delete;
  port_vfs& operator=(const port_vfs&) = delete;
  ~port_vfs();

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  friend struct port_vfs_hooks;
  port_vfs(std::string name, core::file_system& files) : name_(std::move(name)), files_(files) {}

  std::string name_;
  core::file_system& files_;
  sqlite3_vfs* base_ = nullptr;
  sqlite3_vfs vfs_{};
  bool registered_ = false;
};

}  // namespace bodycam::common::sqlite
