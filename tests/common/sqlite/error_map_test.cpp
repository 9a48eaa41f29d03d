// Unit tests of the result-code table: every code it maps, by name, with the errc the dock, the ledger and
// the catalogue must all report for it; extended codes follow their primary code; anything else is internal.
#include "common/sqlite/error_map.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <set>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace error_map_test {

namespace core = bodycam::common::core;
namespace sqlite = bodycam::common::sqlite;

TEST_CASE("every SQLite result code in the table maps to its errc") {
  struct expectation {
    int code;
    const char* name;
    core::errc errc;
  };
  const expectation expected[] = {
      {SQLITE_PERM, "PERM", core::errc::permission},
      {SQLITE_BUSY, "BUSY", core::errc::timeout},
      {SQLITE_LOCKED, "LOCKED", core::errc::timeout},
      {SQLITE_READONLY, "READONLY", core::errc::permission},
      {SQLITE_IOERR, "IOERR", core::errc::io},
      {SQLITE_CORRUPT, "CORRUPT", core::errc::corrupt},
      {SQLITE_FULL, "FULL", core::errc::no_space},
      {SQLITE_CANTOPEN, "CANTOPEN", core::errc::io},
      {SQLITE_PROTOCOL, "PROTOCOL", core::errc::io},
      {SQLITE_TOOBIG, "TOOBIG", core::errc::invalid_argument},
      {SQLITE_CONSTRAINT, "CONSTRAINT", core::errc::conflict},
      {SQLITE_MISMATCH, "MISMATCH", core::errc::invalid_argument},
      {SQLITE_AUTH, "AUTH", core::errc::permission},
      {SQLITE_RANGE, "RANGE", core::errc::invalid_argument},
      {SQLITE_NOTADB, "NOTADB", core::errc::corrupt},
  };
  for (const auto& e : expected) {
    INFO("SQLITE_" << e.name);
    CHECK(sqlite::errc_from_sqlite(e.code) == e.errc);
  }
  // The table holds exactly these codes, each once: a new entry needs a line above.
  const auto table = sqlite::error_mappings();
  CHECK(table.size() == std::size(expected));
  std::set<int> seen;
  for (const auto& m : table) {
    INFO("table entry for code " << m.primary_code);
    CHECK(seen.insert(m.primary_code).second);
    const auto* e = std::find_if(std::begin(expected), std::end(expected),
                                 [&](const expectation& x) { return x.code == m.primary_code; });
    REQUIRE(e != std::end(expected));
    CHECK(m.code == e->errc);
  }
}

TEST_CASE("an extended result code maps like its primary code") {
  CHECK(sqlite::errc_from_sqlite(SQLITE_IOERR_FSYNC) == core::errc::io);
  CHECK(sqlite::errc_from_sqlite(SQLITE_IOERR_WRITE) == core::errc::io);
  CHECK(sqlite::errc_from_sqlite(SQLITE_CONSTRAINT_TRIGGER) == core::errc::conflict);
  CHECK(sqlite::errc_from_sqlite(SQLITE_CONSTRAINT_UNIQUE) == core::errc::conflict);
  CHECK(sqlite::errc_from_sqlite(SQLITE_CORRUPT_INDEX) == core::errc::corrupt);
  CHECK(sqlite::errc_from_sqlite(SQLITE_BUSY_SNAPSHOT) == core::errc::timeout);
  CHECK(sqlite::errc_from_sqlite(SQLITE_READONLY_DBMOVED) == core::errc::permission);
}

TEST_CASE("a result code outside the table is internal") {
  CHECK(sqlite::errc_from_sqlite(SQLITE_ERROR) == core::errc::internal);
  CHECK(sqlite::errc_from_sqlite(SQLITE_MISUSE) == core::errc::internal);
  CHECK(sqlite::errc_from_sqlite(SQLITE_NOMEM) == core::errc::internal);
  CHECK(sqlite::errc_from_sqlite(SQLITE_SCHEMA) == core::errc::internal);
}

}  // namespace error_map_test
