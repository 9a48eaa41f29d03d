// A write transaction on a ledger: common/sqlite's transaction (IMMEDIATE, so the head it reads cannot move
// under it; an explicit commit() that reports failure; rollback in the destructor otherwise — an early
// return, an error or an exception leaves the ledger as it was) plus the ledger's clock and the writes of
// its file table.
// Invariant 3 (see ledger.hpp) rests on this: a record and the rows written with it through this object
// become visible together at COMMIT, or not at all.
// Inside append_record's `also` step this object is how the caller writes rows that must commit together
// with the record (e.g. sealing the file the record describes).
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/file_entry.hpp"
#include "common/ledger/ledger_time.hpp"
#include "common/sqlite/transaction.hpp"

#include <string_view>
#include <utility>

namespace bodycam::common::ledger {

class transaction {
 public:
  // Internal: ledger begins transactions; `clock` must outlive the transaction.
  [[nodiscard]] static core::expected<transaction> begin(sqlite::connection& db, const ledger_clock& clock);

  transaction(transaction&& other) noexcept = default;
  transaction& operator=(transaction&&) = delete;
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction() = default;

  // COMMIT; with synchronous=FULL in WAL mode this returns only after the WAL is fsynced. `what` names the
  // change in errors: "commit record 42 to ledger /x/ledger.db: disk I/O error". After a failure the
  // transaction is rolled back and nothing of it is visible.
  [[nodiscard]] core::status commit(std::string_view what);

  [[nodiscard]] core::status add_file(const new_file& file);
  [[nodiscard]] core::status add_fragment(const fragment_entry& fragment);
  [[nodiscard]] core::status set_file_state(std::string_view name, const file_transition& transition);

  [[nodiscard]] ledger_time now() const { return (*clock_)(); }
  [[nodiscard]] sqlite::connection& db() const noexcept { return tx_.db(); }

 private:
  transaction(sqlite::transaction tx, const ledger_clock& clock) noexcept : tx_(std::move(tx)), clock_(&clock) {}
  [[nodiscard]] core::status refuse_if_ended(std::string_view operation) const;

  sqlite::transaction tx_;
  const ledger_clock* clock_;
};

}  // namespace bodycam::common::ledger
