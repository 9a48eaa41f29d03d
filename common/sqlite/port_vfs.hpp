// An SQLite VFS whose file data goes through the file-system port (common/core/file_system.hpp): every read,
// write, truncation, sync and delete of the main database, its WAL and its journals is a call on the port,
// so the power-cut simulator sees the ledger's I/O exactly as it sees the segment files'. Locks, the WAL
// index (-shm, never durable) and temporary files stay with SQLite's default VFS: each file is also opened
// there (a "shadow" handle used only for locking and shared memory).
// Like SQLite's unix VFS, the directory of a newly created WAL or journal is synced at that file's first
// sync, and a delete with SQLite's sync-directory flag syncs the directory.
// One port descriptor per file: closing a descriptor drops every POSIX lock the process holds on that file
// (the shadows' locks included), so, as the unix VFS does with its inode table, every handle of this VFS on
// one path shares one port file, closed only when the last handle on it closes (or, for a file deleted while
// open, when the last handle on the deleted file closes). Several connections in one process may therefore
// use one database through this VFS; each keeps its locks until it closes. Rules that remain: in one process,
// open a given database through this VFS or through another, not both (a descriptor of this VFS closing would
// drop the other VFS's locks); and a path first opened read-only is not opened for writing while that first
// handle lives (SQLITE_CANTOPEN: the shared descriptor cannot write).
// bodycam-recorder opens its ledger through it over posix_file_system.
// Registered under its own name while the object lives (never as the default); open a database with that
// name (ledger::open_options::vfs). Close every connection that uses it before destroying it. Thread-safe
// for connections on several threads (the table of shared files has its own mutex; the port's files are
// used with positioned reads and writes only).
#pragma once

#include "common/core/error.hpp"
#include "common/core/file_system.hpp"

#include <sqlite3.h>

#include <map>
#include <memory>
#include <mutex>
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

  // A port file and how many handles of this VFS use it.
  struct shared_file {
    std::shared_ptr<core::file> file;
    std::size_t users = 0;
    bool writable = false;
  };

  std::string name_;
  core::file_system& files_;
  std::mutex shared_mutex_;
  std::map<std::string, shared_file, std::less<>> shared_;  // by the full path SQLite opened
  sqlite3_vfs* base_ = nullptr;
  sqlite3_vfs vfs_{};
  bool registered_ = false;
};

}  // namespace bodycam::common::sqlite
