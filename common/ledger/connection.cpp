// Error mapping and the small helpers every ledger table uses; see connection.hpp.
#include "common/ledger/connection.hpp"

#include <utility>

namespace bodycam::common::ledger {

core::errc errc_from_sqlite(int result_code) noexcept {
  switch (result_code & 0xff) {
    case SQLITE_FULL: return core::errc::no_space;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return core::errc::corrupt;
    case SQLITE_CONSTRAINT: return core::errc::conflict;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return core::errc::timeout;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return core::errc::permission;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL: return core::errc::io;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH: return core::errc::invalid_argument;
    default: return core::errc::internal;
  }
}

connection::connection(sqlite_database_ptr db, std::filesystem::path path) noexcept
    : db_(std::move(db)), path_(std::move(path)) {}

std::unexpected<core::error> connection::fail(std::string_view operation, int result_code) const {
  const char* message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(result_code);
  // sqlite3_errmsg describes the handle's last failed call; when that is not this failure, say the code.
  if (db_ && (sqlite3_extended_errcode(db_.get()) & 0xff) != (result_code & 0xff))
    message = sqlite3_errstr(result_code);
  return fail(operation, errc_from_sqlite(result_code), message);
}

std::unexpected<core::error> connection::fail(std::string_view operation, core::errc code,
                                              std::string_view detail) const {
  std::string context(operation);
  context += " ledger ";
  context += path_.string();
  context += ": ";
  context += detail;
  return core::fail(code, std::move(context));
}

core::status connection::exec(std::string_view operation, const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return fail(operation, errc_from_sqlite(rc), detail);
}

core::expected<statement> connection::prepare(std::string_view operation, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), 0, &raw, nullptr);
  sqlite_statement_ptr stmt(raw);
  if (rc != SQLITE_OK) return fail(operation, rc);
  return statement(*this, std::move(stmt), std::string(operation));
}

bool connection::in_transaction() const noexcept { return sqlite3_get_autocommit(db_.get()) == 0; }

}  // namespace bodycam::common::ledger
