// A write transaction on a ledger. It begins IMMEDIATE (taking the write lock at once, so the head it reads
// cannot move under it), commits only through an explicit commit() that reports failure, and rolls back
// in its destructor otherwise — an early return, an error or an exception leaves the ledger as it was.
// Invariant 3 (see ledger.hpp) rests on this: a record and the rows written with it through this object
// become visible together at COMMIT, or not at all.
// Inside append_record's `also` step this object is how the caller writes rows that must commit together
// with the record (e.g. sealing the file the record describes).
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/file_entry.hpp"
#include "common/ledger/ledger_time.hpp"

#include <string_view>

namespace bodycam::common::ledger {

class connection;

class transaction {
 public:
  // Internal: ledger begins transactions; `clock` must outlive the transaction.
  [[nodiscard]] static core::expected<transaction> begin(connection& db, const ledger_clock& clock);

  transaction(transaction&& other) noexcept;
  transaction& operator=(transaction&&) = delete;
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();

  // COMMIT; with synchronous=FULL in WAL mode this returns only after the WAL is fsynced. `what` names the
  // change in errors: "commit record 42 to ledger /x/ledger.db: disk I/O error". After a failure the
  // transaction is rolled back and nothing of it is visible.
  [[nodiscard]] core::status commit(std::string_view what);

  [[nodiscard]] core::status add_file(const new_file& file);
  [[nodiscard]] core::status add_fragment(const fragment_entry& fragment);
  [[nodiscard]] core::status set_file_state(std::string_view name, const file_transition& transition);

  [[nodiscard]] ledger_time now() const { return (*clock_)(); }
  [[nodiscard]] connection& db() const noexcept { return *db_; }

 private:
  transaction(connection& db, const ledger_clock& clock) noexcept : db_(&db), clock_(&clock) {}
  void roll_back() noexcept;

  connection* db_;
  const ledger_clock* clock_;
  bool open_ = true;
};

}  // namespace bodycam::common::ledger
