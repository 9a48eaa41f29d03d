// Internal: one open SQLite handle of a ledger and the path every error message names.
// Guarantees: every failure it reports reads "<operation> ledger <path>: <SQLite's message>" with an errc
// chosen from SQLite's result code (disk full → no_space, corrupt → corrupt, constraint → conflict, …), so
// a caller two layers up still learns which operation failed on which file and why.
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/sqlite_handles.hpp"
#include "common/ledger/statement.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace bodycam::common::ledger {

[[nodiscard]] core::errc errc_from_sqlite(int result_code) noexcept;

class connection {
 public:
  connection(sqlite_database_ptr db, std::filesystem::path path) noexcept;

  [[nodiscard]] sqlite3* handle() const noexcept { return db_.get(); }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  // "<operation> ledger <path>: <message>"; the message is sqlite3_errmsg of this handle, which must be
  // read right after the failing call.
  [[nodiscard]] std::unexpected<core::error> fail(std::string_view operation, int result_code) const;
  // Same shape for failures found by the ledger itself (bad hash, wrong seq): "<operation> ledger <path>: <detail>".
  [[nodiscard]] std::unexpected<core::error> fail(std::string_view operation, core::errc code,
                                                  std::string_view detail) const;

  // Runs SQL that returns no rows (may hold several statements, e.g. a migration).
  [[nodiscard]] core::status exec(std::string_view operation, const char* sql);
  [[nodiscard]] core::expected<statement> prepare(std::string_view operation, std::string_view sql);
  // True while a BEGIN … has not ended (SQLite may end it itself after an I/O error).
  [[nodiscard]] bool in_transaction() const noexcept;

 private:
  sqlite_database_ptr db_;
  std::filesystem::path path_;
};

}  // namespace bodycam::common::ledger
