// Typed binds, stepping and column reads over sqlite3_stmt; see statement.hpp.
#include "common/sqlite/statement.hpp"

#include "common/sqlite/connection.hpp"

#include <utility>

namespace bodycam::common::sqlite {

statement::statement(const connection& owner, statement_ptr stmt, std::string operation) noexcept
    : owner_(&owner), stmt_(std::move(stmt)), operation_(std::move(operation)) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) owner_->recycle(std::move(stmt_));
    owner_ = other.owner_;
    stmt_ = std::move(other.stmt_);
    operation_ = std::move(other.operation_);
    bind_result_ = other.bind_result_;
  }
  return *this;
}

statement::~statement() {
  if (stmt_) owner_->recycle(std::move(stmt_));
}

void statement::note_bind(int result_code) noexcept {
  if (bind_result_ == SQLITE_OK && result_code != SQLITE_OK) bind_result_ = result_code;
}

void statement::bind_int(int index, std::int64_t value) noexcept {
  note_bind(sqlite3_bind_int64(stmt_.get(), index, value));
}

void statement::bind_blob(int index, core::byte_view value) noexcept {
  // A null data pointer would bind SQL NULL, not an empty blob.
  if (value.empty()) {
    note_bind(sqlite3_bind_zeroblob(stmt_.get(), index, 0));
    return;
  }
  // nullptr is SQLITE_STATIC (the macro is an old-style cast): the caller keeps `value` alive.
  note_bind(sqlite3_bind_blob64(stmt_.get(), index, value.data(), value.size(), nullptr));
}

void statement::bind_text(int index, std::string_view value) noexcept {
  note_bind(sqlite3_bind_text64(stmt_.get(), index, value.empty() ? "" : value.data(), value.size(), SQLITE_TRANSIENT,
                                SQLITE_UTF8));
}

void statement::bind_double(int index, double value) noexcept {
  note_bind(sqlite3_bind_double(stmt_.get(), index, value));
}

void statement::bind_null(int index) noexcept { note_bind(sqlite3_bind_null(stmt_.get(), index)); }

core::expected<bool> statement::step() {
  if (bind_result_ != SQLITE_OK)
    return owner_->fail(operation_, core::errc::invalid_argument, sqlite3_errstr(bind_result_));
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return owner_->fail(operation_, rc);
}

core::status statement::run() {
  auto row = step();
  if (!row) return std::unexpected(row.error());
  // RETURNING-less writes never produce rows; a row here means the SQL is not what the caller thinks.
  if (*row) return owner_->fail(operation_, core::errc::internal, "statement returned a row where none was expected");
  return {};
}

void statement::reset() noexcept { (void)sqlite3_reset(stmt_.get()); }

bool statement::column_is_null(int index) const noexcept {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

bool statement::column_is_integer(int index) const noexcept {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_INTEGER;
}

std::int64_t statement::column_int(int index) const noexcept { return sqlite3_column_int64(stmt_.get(), index); }

double statement::column_double(int index) const noexcept { return sqlite3_column_double(stmt_.get(), index); }

core::byte_view statement::column_blob(int index) const noexcept {
  const void* data = sqlite3_column_blob(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  if (data == nullptr || size <= 0) return {};
  return core::byte_view(static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size));
}

std::string statement::column_text(int index) const {
  const unsigned char* data = sqlite3_column_text(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  if (data == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace bodycam::common::sqlite
