// One open SQLite handle, the path of its file and the noun people call that file ("ledger", "dock queue",
// "catalogue"): the one place that turns SQLite's results into bodycam errors.
// Guarantees: every failure it reports reads "<operation> <noun> <path>: <SQLite's message>" with an errc
// from error_map.hpp (disk full → no_space, corrupt → corrupt, constraint → conflict, …), so a caller two
// layers up still learns which operation failed on which file and why.
// A statement's compiled form is kept when the statement ends (reset, its bindings cleared) and handed to the
// next prepare() of the same SQL text: a query the camera runs per file chunk is compiled once, not per call
// (up to `max_idle_statements` kept; the oldest is finalized first). A connection, its statements and that
// cache are used by one thread at a time, as every owner here already does (ledger, dock queue, catalogue,
// console lockout file).
#pragma once

#include "common/core/error.hpp"
#include "common/sqlite/handles.hpp"
#include "common/sqlite/statement.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::common::sqlite {

class connection {
 public:
  connection(database_ptr db, std::filesystem::path path, std::string noun) noexcept;

  // For tests that tamper with a file on purpose; production code goes through the members below.
  [[nodiscard]] sqlite3* handle() const noexcept { return db_.get(); }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& noun() const noexcept { return noun_; }

  // "<operation> <noun> <path>: <message>"; the message is sqlite3_errmsg of this handle, which must be
  // read right after the failing call.
  [[nodiscard]] std::unexpected<core::error> fail(std::string_view operation, int result_code) const;
  // Same shape for failures found by the caller itself (bad hash, wrong seq).
  [[nodiscard]] std::unexpected<core::error> fail(std::string_view operation, core::errc code,
                                                  std::string_view detail) const;

  // Runs SQL that returns no rows (may hold several statements, e.g. a migration).
  [[nodiscard]] core::status exec(std::string_view operation, const char* sql);
  // A kept statement of the same SQL if one is idle, else a new one (SQLITE_PREPARE_PERSISTENT).
  [[nodiscard]] core::expected<statement> prepare(std::string_view operation, std::string_view sql) const;
  static constexpr std::size_t max_idle_statements = 32;
  // The first column of the first row of `sql` as an integer (a PRAGMA, a count); internal if no row.
  [[nodiscard]] core::expected<std::int64_t> read_integer(std::string_view operation, std::string_view sql) const;

  // True while a BEGIN … has not ended (SQLite may end it itself after an I/O error).
  [[nodiscard]] bool in_transaction() const noexcept;
  // Ends an open transaction with ROLLBACK and reports nothing: for destructors and cleanup after a failure.
  void roll_back_quietly() noexcept;
  // Rows changed by the last INSERT/UPDATE/DELETE, and the rowid of the last INSERT, of this handle.
  [[nodiscard]] std::int64_t changes() const noexcept;
  [[nodiscard]] std::int64_t last_insert_rowid() const noexcept;
  // SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE: while on, closing never checkpoints the WAL into the main file.
  [[nodiscard]] core::status set_checkpoint_on_close(bool checkpoint);

 private:
  friend class statement;
  // Takes back an ended statement: reset, bindings cleared, kept for prepare(). Never allocates.
  void recycle(statement_ptr stmt) const noexcept;

  database_ptr db_;
  std::filesystem::path path_;
  std::string noun_;
  // Idle statements, oldest first; declared after db_, so finalized before the database closes.
  mutable std::vector<statement_ptr> idle_;
};

}  // namespace bodycam::common::sqlite
