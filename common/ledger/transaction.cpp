// BEGIN IMMEDIATE / explicit COMMIT / ROLLBACK in the destructor; see transaction.hpp.
#include "common/ledger/transaction.hpp"

#include "common/ledger/connection.hpp"
#include "common/ledger/file_table.hpp"

#include <string>
#include <utility>

namespace bodycam::common::ledger {

core::expected<transaction> transaction::begin(connection& db, const ledger_clock& clock) {
  if (auto ok = db.exec("begin transaction on", "BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
  return transaction(db, clock);
}

transaction::transaction(transaction&& other) noexcept
    : db_(other.db_), clock_(other.clock_), open_(std::exchange(other.open_, false)) {}

transaction::~transaction() { roll_back(); }

void transaction::roll_back() noexcept {
  if (!open_) return;
  open_ = false;
  // SQLite ends the transaction itself after some I/O errors; ROLLBACK without one would only fail.
  if (db_->in_transaction()) (void)sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

core::status transaction::commit(std::string_view what) {
  const std::string operation = "commit " + std::string(what) + " to";
  if (!open_) return db_->fail(operation, core::errc::internal, "the transaction has already ended");
  const int rc = sqlite3_exec(db_->handle(), "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    auto failure = db_->fail(operation, rc);
    roll_back();
    return failure;
  }
  open_ = false;
  return {};
}

core::status transaction::add_file(const new_file& file) {
  if (!open_) return db_->fail("add file to", core::errc::internal, "the transaction has already ended");
  return insert_file(*db_, file, now());
}

core::status transaction::add_fragment(const fragment_entry& fragment) {
  if (!open_) return db_->fail("add fragment to", core::errc::internal, "the transaction has already ended");
  return insert_fragment(*db_, fragment);
}

core::status transaction::set_file_state(std::string_view name, const file_transition& transition) {
  if (!open_) return db_->fail("set file state in", core::errc::internal, "the transaction has already ended");
  return update_file_state(*db_, name, transition, now());
}

}  // namespace bodycam::common::ledger
