// The two SQLite C handles bodycam owns, each in a std::unique_ptr with a named deleter, declared once for
// every SQLite file (ledger, dock queue, catalogue). Deleters only release: closing a database never
// reports an error; anything that can fail (commit, checkpoint) is an explicit call elsewhere.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace bodycam::common::sqlite {

struct database_closer {
  // sqlite3_close_v2 defers the close until every statement of the handle is finalized.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

struct statement_finalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

using database_ptr = std::unique_ptr<sqlite3, database_closer>;
using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

}  // namespace bodycam::common::sqlite
