// A write transaction on one SQLite file. It begins IMMEDIATE (taking the write lock at once, so what it
// reads cannot move under it), commits only through an explicit commit() that reports failure, and rolls
// back in its destructor otherwise: an early return, an error or an exception leaves the file as it was.
// With WAL and synchronous=FULL (database.hpp), a commit() that returned success is on disk.
#pragma once

#include "common/core/error.hpp"

#include <string_view>

namespace bodycam::common::sqlite {

class connection;

class transaction {
 public:
  // "begin transaction on <noun> <path>: …" on failure; `db` must outlive the transaction.
  [[nodiscard]] static core::expected<transaction> begin(connection& db);

  transaction(transaction&& other) noexcept;
  transaction& operator=(transaction&&) = delete;
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();

  // COMMIT. `what` names the change in errors: "commit record 42 to ledger /x/ledger.db: disk I/O error".
  // After a failure the transaction is rolled back and nothing of it is visible.
  [[nodiscard]] core::status commit(std::string_view what);
  // False once committed, rolled back or moved from.
  [[nodiscard]] bool is_open() const noexcept { return open_; }
  [[nodiscard]] connection& db() const noexcept { return *db_; }

 private:
  explicit transaction(connection& db) noexcept : db_(&db) {}
  void roll_back() noexcept;

  connection* db_;
  bool open_ = true;
};

}  // namespace bodycam::common::sqlite
