// The two SQLite C handles the ledger owns, each in a std::unique_ptr with a named deleter, declared once.
// Deleters only release: closing a database never checkpoints on purpose here and never reports an error;
// anything that can fail (commit, checkpoint) is an explicit call elsewhere.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace bodycam::common::ledger {

struct sqlite_database_closer {
  // sqlite3_close_v2 defers the close until every statement of the handle is finalized.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

struct sqlite_statement_finalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

using sqlite_database_ptr = std::unique_ptr<sqlite3, sqlite_database_closer>;
using sqlite_statement_ptr = std::unique_ptr<sqlite3_stmt, sqlite_statement_finalizer>;

}  // namespace bodycam::common::ledger
