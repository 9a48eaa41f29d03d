// Opening a bodycam SQLite file: the one sequence that decides whether a file is ours, creates one,
// migrates one or refuses one. It never writes to a file before every check has passed, and the connection
// keeps SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE on until then, so a refused file is closed without a checkpoint
// and stays byte for byte what it was (SQLite may leave an empty -wal/-shm beside it).
//
//   probe path ─► SQLite header? ─► open handle (foreign_keys, defensive) ─► identify (application_id,
//     user_version, schema objects) ─► quick_check ─► caller's verify ─► journal (WAL) + synchronous=FULL
//     ─► migrate ─► fsync the directory if created ─► checkpoint on close again
//
// Refusals, in order: missing path (not_found unless create_if_missing); not SQLite (malformed); empty but
// not allowed to create (malformed); another application's database (malformed, with its application_id);
// newer schema (unsupported); a read-only open of an older schema (unsupported); quick_check or the
// caller's verify fails (corrupt). Every message names the operation, the noun and the path.
#pragma once

#include "common/core/error.hpp"
#include "common/sqlite/connection.hpp"
#include "common/sqlite/migrations.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace bodycam::common::sqlite {

enum class journal_mode {
  wal,       // long-lived files written in place: commits append to the WAL, fsynced at COMMIT
  rollback,  // files written once and renamed into place: no -wal beside the finished file
};

struct open_options {
  // Create (and migrate) the file if the path does not exist or is an empty file.
  bool create_if_missing = false;
  // Nothing is ever written, not even a migration (an older schema is refused); PRAGMA query_only is on.
  bool read_only = false;
  // How long a write waits for another process's write lock before errc::timeout.
  std::chrono::milliseconds busy_timeout{5000};
  // The SQLite VFS to use; empty means SQLite's default. Tests pass a fault-injection VFS here.
  std::string vfs;
  journal_mode journal = journal_mode::wal;
  // WAL pages that trigger an automatic checkpoint (SQLite's default is 1000); at least 1.
  int wal_autocheckpoint_pages = 1000;
};

struct identity {
  std::int64_t application_id = 0;
  std::int64_t user_version = 0;
  std::int64_t schema_objects = 0;

  [[nodiscard]] bool is_empty() const noexcept {
    return application_id == 0 && user_version == 0 && schema_objects == 0;
  }
};

// The caller's own check of a non-empty file after quick_check (e.g. the ledger's head record hash).
using verify_step = std::function<core::status(connection& db, const identity& id)>;

// Opens the handle only: flags, checkpoint-on-close off, defensive, untrusted schema, busy timeout,
// foreign_keys and cell_size_check on. No header check, no identity check, no journal change.
[[nodiscard]] core::expected<std::unique_ptr<connection>> open_connection(const std::filesystem::path& path,
                                                                          std::string_view noun,
                                                                          const open_options& options);

[[nodiscard]] core::expected<identity> identify(connection& db);
// The refusal rules above for an identified file; returns the first that applies.
[[nodiscard]] core::status check_identity(const connection& db, const identity& id, const schema& s,
                                          const open_options& options);

// The whole sequence above.
[[nodiscard]] core::expected<std::unique_ptr<connection>> open_database(const std::filesystem::path& path,
                                                                        const schema& s, const open_options& options,
                                                                        const verify_step& verify = {});

}  // namespace bodycam::common::sqlite
