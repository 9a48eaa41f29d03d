// One prepared SQLite statement with typed binds, stepping and column reads. When it ends, its compiled form
// goes back to its connection for the next prepare() of the same SQL (connection.hpp).
// Guarantees: a bind that SQLite refuses is not lost — it is reported by the next step(), named like every
// other error of the connection. Bound text is copied; bound blobs are not (SQLITE_STATIC, since records and
// digests can be large): the caller keeps a blob alive until the last step() of the statement.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/sqlite/handles.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace bodycam::common::sqlite {

// The largest value an SQLite INTEGER holds (2^63 - 1): unsigned counters above it cannot be stored.
inline constexpr auto max_sql_integer = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

class connection;

class statement {
 public:
  statement(const connection& owner, statement_ptr stmt, std::string operation) noexcept;
  statement(statement&& other) noexcept = default;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  void bind_int(int index, std::int64_t value) noexcept;
  void bind_blob(int index, core::byte_view value) noexcept;
  void bind_text(int index, std::string_view value) noexcept;
  void bind_double(int index, double value) noexcept;
  void bind_null(int index) noexcept;

  // true: a row is ready to read; false: the statement has finished.
  [[nodiscard]] core::expected<bool> step();
  // Steps a statement that must finish without returning a row (INSERT, UPDATE).
  [[nodiscard]] core::status run();
  // Ends the current execution (and the read it holds) so the statement may run again; binds stay.
  void reset() noexcept;

  [[nodiscard]] bool column_is_null(int index) const noexcept;
  [[nodiscard]] bool column_is_integer(int index) const noexcept;
  [[nodiscard]] std::int64_t column_int(int index) const noexcept;
  [[nodiscard]] double column_double(int index) const noexcept;
  // Valid until the next step() or the statement's end.
  [[nodiscard]] core::byte_view column_blob(int index) const noexcept;
  [[nodiscard]] std::string column_text(int index) const;

  [[nodiscard]] const std::string& operation() const noexcept { return operation_; }

 private:
  void note_bind(int result_code) noexcept;

  const connection* owner_;
  statement_ptr stmt_;
  std::string operation_;
  int bind_result_ = SQLITE_OK;
};

}  // namespace bodycam::common::sqlite
