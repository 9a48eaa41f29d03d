// BEGIN IMMEDIATE / explicit COMMIT / ROLLBACK in the destructor; see transaction.hpp.
#include "common/sqlite/transaction.hpp"

#include "common/sqlite/connection.hpp"

#include <string>
#include <utility>

namespace bodycam::common::sqlite {

core::expected<transaction> transaction::begin(connection& db) {
  if (auto ok = db.exec("begin transaction on", "BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
  return transaction(db);
}

transaction::transaction(transaction&& other) noexcept : db_(other.db_), open_(std::exchange(other.open_, false)) {}

transaction::~transaction() { roll_back(); }

void transaction::roll_back() noexcept {
  if (!open_) return;
  open_ = false;
  db_->roll_back_quietly();
}

core::status transaction::commit(std::string_view what) {
  const std::string operation = "commit " + std::string(what) + " to";
  if (!open_) return db_->fail(operation, core::errc::internal, "the transaction has already ended");
  if (auto ok = db_->exec(operation, "COMMIT"); !ok) {
    roll_back();
    return ok;
  }
  open_ = false;
  return {};
}

}  // namespace bodycam::common::sqlite
