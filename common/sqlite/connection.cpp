// Error reporting and the small helpers every table over SQLite uses; see connection.hpp.
#include "common/sqlite/connection.hpp"

#include "common/sqlite/error_map.hpp"

#include <iterator>
#include <utility>

namespace bodycam::common::sqlite {

connection::connection(database_ptr db, std::filesystem::path path, std::string noun) noexcept
    : db_(std::move(db)), path_(std::move(path)), noun_(std::move(noun)) {
  idle_.reserve(max_idle_statements);  // recycle() never allocates
}

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
  context += ' ';
  context += noun_;
  context += ' ';
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

core::expected<statement> connection::prepare(std::string_view operation, std::string_view sql) const {
  // The newest idle statement of the same text (sqlite3_sql gives the text it was compiled from).
  for (auto it = idle_.rbegin(); it != idle_.rend(); ++it)
    if (std::string_view(sqlite3_sql(it->get())) == sql) {
      statement_ptr kept = std::move(*it);
      idle_.erase(std::next(it).base());
      return statement(*this, std::move(kept), std::string(operation));
    }
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, nullptr);
  statement_ptr stmt(raw);
  if (rc != SQLITE_OK) return fail(operation, rc);
  return statement(*this, std::move(stmt), std::string(operation));
}

void connection::recycle(statement_ptr stmt) const noexcept {
  // Ends its execution (and the read transaction it may hold) and drops its bindings (blobs are bound
  // without a copy: statement.hpp), so an idle statement holds neither a lock nor a pointer into the caller.
  (void)sqlite3_reset(stmt.get());
  (void)sqlite3_clear_bindings(stmt.get());
  if (idle_.capacity() < max_idle_statements) return;  // a moved-from connection keeps none: finalized
  if (idle_.size() == max_idle_statements) idle_.erase(idle_.begin());
  idle_.push_back(std::move(stmt));
}

core::expected<std::int64_t> connection::read_integer(std::string_view operation, std::string_view sql) const {
  auto stmt = prepare(operation, sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(operation, core::errc::internal, "no value");
  return stmt->column_int(0);
}

bool connection::in_transaction() const noexcept { return sqlite3_get_autocommit(db_.get()) == 0; }

void connection::roll_back_quietly() noexcept {
  // SQLite ends the transaction itself after some I/O errors; ROLLBACK without one would only fail.
  if (in_transaction()) (void)sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t connection::changes() const noexcept { return sqlite3_changes64(db_.get()); }

std::int64_t connection::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_.get()); }

core::status connection::set_checkpoint_on_close(bool checkpoint) {
  const int rc = sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, checkpoint ? 0 : 1, nullptr);
  if (rc != SQLITE_OK) return fail("configure", rc);
  return {};
}

}  // namespace bodycam::common::sqlite
