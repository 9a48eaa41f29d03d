// Integration tests of transactions and statements on a real file: nothing is visible without an explicit
// commit, the destructor rolls back, a refused bind surfaces at step(), and every error names the
// operation, the noun and the file. The connection's statement cache (connection.hpp): a statement of the same
// SQL is compiled once and reused, a reused statement starts with no bindings and holds no read lock, two live
// statements of the same SQL are independent, and the cache keeps at most max_idle_statements.
#include "common/sqlite/database.hpp"
#include "common/sqlite/transaction.hpp"

#include "tests/support/temp_dir.hpp"

#include <array>
#include <string>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace transaction_test {

namespace core = bodycam::common::core;
namespace sqlite = bodycam::common::sqlite;

namespace {

constexpr std::array migrations{
    sqlite::migration{1, "items", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;"},
};
constexpr sqlite::schema schema{"test queue", 0x54455354, migrations};

std::unique_ptr<sqlite::connection> open_ok(const std::string& path) {
  sqlite::open_options o;
  o.create_if_missing = true;
  auto db = sqlite::open_database(path, schema, o);
  if (!db) FAIL("open " << path << ": " << db.error().context);
  return std::move(*db);
}

std::int64_t count_items(sqlite::connection& db) {
  auto n = db.read_integer("count items of", "SELECT count(*) FROM items");
  if (!n) FAIL(n.error().context);
  return *n;
}

core::status insert(sqlite::connection& db, std::string_view name) {
  auto stmt = db.prepare("insert item into", "INSERT INTO items (name) VALUES (?1)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, name);
  return stmt->run();
}

// Statements SQLite holds compiled for this handle (the cache's idle ones and any still in use).
int compiled_statements(const sqlite::connection& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr; s = sqlite3_next_stmt(db.handle(), s))
    ++n;
  return n;
}

std::string select_text(sqlite::connection& db, const char* sql) {
  auto stmt = db.prepare("select from", sql);
  if (!stmt) FAIL(stmt.error().context);
  auto row = stmt->step();
  if (!row || !*row) FAIL("no row from " << sql);
  return stmt->column_is_null(0) ? "NULL" : stmt->column_text(0);
}

}  // namespace

TEST_CASE("a transaction that is not committed is rolled back by its destructor", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-tx");
  const std::string path = (dir / "q.db").string();
  auto db = open_ok(path);
  {
    auto tx = sqlite::transaction::begin(*db);
    REQUIRE(tx.has_value());
    REQUIRE(insert(*db, "dropped"));
    CHECK(count_items(*db) == 1);  // visible inside the transaction
    CHECK(db->in_transaction());
  }
  CHECK_FALSE(db->in_transaction());
  CHECK(count_items(*db) == 0);
  // A second connection sees nothing either: the row never reached the file.
  CHECK(count_items(*open_ok(path)) == 0);
}

TEST_CASE("a committed transaction is durable and ends; committing again is an error", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-tx");
  const std::string path = (dir / "q.db").string();
  auto db = open_ok(path);
  auto tx = sqlite::transaction::begin(*db);
  REQUIRE(tx.has_value());
  REQUIRE(insert(*db, "kept"));
  REQUIRE(tx->commit("item kept"));
  CHECK_FALSE(tx->is_open());
  CHECK_FALSE(db->in_transaction());
  auto again = tx->commit("item kept");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == core::errc::internal);
  CHECK(again.error().context == "commit item kept to test queue " + path + ": the transaction has already ended");
  CHECK(count_items(*open_ok(path)) == 1);
}

TEST_CASE("a moved-from transaction does not roll back the one it moved into", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-tx");
  auto db = open_ok(dir / "q.db");
  auto first = sqlite::transaction::begin(*db);
  REQUIRE(first.has_value());
  REQUIRE(insert(*db, "moved"));
  {
    sqlite::transaction moved(std::move(*first));
    CHECK_FALSE(first->is_open());
    REQUIRE(moved.commit("moved item"));
  }
  CHECK(count_items(*db) == 1);
}

TEST_CASE("a second writer waits, then times out naming the file", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-tx");
  const std::string path = (dir / "q.db").string();
  auto holder = open_ok(path);
  sqlite::open_options o;
  o.busy_timeout = std::chrono::milliseconds(50);
  auto other = sqlite::open_database(path, schema, o);
  REQUIRE(other.has_value());
  auto held = sqlite::transaction::begin(*holder);
  REQUIRE(held.has_value());
  auto blocked = sqlite::transaction::begin(**other);
  REQUIRE_FALSE(blocked.has_value());
  CHECK(blocked.error().code == core::errc::timeout);
  CHECK(blocked.error().context == "begin transaction on test queue " + path + ": database is locked");
}

TEST_CASE("constraint failures, refused binds and bad SQL are errors naming the operation and file", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-tx");
  const std::string path = (dir / "q.db").string();
  auto db = open_ok(path);
  REQUIRE(insert(*db, "once"));
  auto twice = insert(*db, "once");
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == core::errc::conflict);
  CHECK(twice.error().context == "insert item into test queue " + path + ": UNIQUE constraint failed: items.name");

  auto stmt = db->prepare("look up item in", "SELECT id FROM items WHERE name = ?1");
  REQUIRE(stmt.has_value());
  stmt->bind_text(2, "no such parameter");  // SQLITE_RANGE, kept until step()
  auto row = stmt->step();
  REQUIRE_FALSE(row.has_value());
  CHECK(row.error().code == core::errc::invalid_argument);
  CHECK(row.error().context.starts_with("look up item in test queue " + path + ": "));

  auto bad = db->prepare("prepare query on", "SELECT x FROM nowhere");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == core::errc::internal);
  CHECK(bad.error().context == "prepare query on test queue " + path + ": no such table: nowhere");
}

TEST_CASE("a statement is compiled once and reused, with no bindings left from its last use", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-cache");
  auto db = open_ok((dir / "q.db").string());
  const int before = compiled_statements(*db);
  for (int i = 0; i < 100; ++i) {
    auto stmt = db->prepare("insert item into", "INSERT INTO items (name) VALUES (?1)");
    REQUIRE(stmt.has_value());
    stmt->bind_text(1, "item " + std::to_string(i));
    REQUIRE(stmt->run());
  }
  CHECK(compiled_statements(*db) == before + 1);  // one compiled INSERT served all 100
  auto count = db->read_integer("count items of", "SELECT count(*) FROM items");
  REQUIRE(count.has_value());
  CHECK(*count == 100);

  {
    auto bound = db->prepare("echo", "SELECT ?1");
    REQUIRE(bound.has_value());
    bound->bind_text(1, "left over");
    REQUIRE(bound->step().value());
    CHECK(bound->column_text(0) == "left over");
  }
  CHECK(select_text(*db, "SELECT ?1") == "NULL");  // the reused statement's parameter is unbound again
}

TEST_CASE("two live statements of the same SQL are independent; an idle one holds no read lock", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-cache");
  const std::string path = (dir / "q.db").string();
  auto db = open_ok(path);
  for (const char* name : {"a", "b", "c"}) {
    auto stmt = db->prepare("insert item into", "INSERT INTO items (name) VALUES (?1)");
    REQUIRE(stmt.has_value());
    stmt->bind_text(1, name);
    REQUIRE(stmt->run());
  }
  const char* by_id = "SELECT name FROM items WHERE id >= ?1 ORDER BY id";
  auto first = db->prepare("list items of", by_id);
  auto second = db->prepare("list items of", by_id);
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  first->bind_int(1, 1);
  second->bind_int(1, 3);
  REQUIRE(first->step().value());
  REQUIRE(second->step().value());
  CHECK(first->column_text(0) == "a");
  CHECK(second->column_text(0) == "c");
  REQUIRE(first->step().value());
  CHECK(first->column_text(0) == "b");
  CHECK_FALSE(second->step().value());

  // `first` ends in the middle of its rows: idle in the cache, it must not keep a read transaction open, or the
  // checkpoint below could not copy the WAL back and reset it.
  first = db->prepare("insert item into", "INSERT INTO items (name) VALUES ('d')");
  REQUIRE(first->run());
  auto other = open_ok(path);
  int log_frames = -1, checkpointed = -1;
  REQUIRE(sqlite3_wal_checkpoint_v2(other->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed) ==
          SQLITE_OK);
  CHECK(log_frames == 0);  // TRUNCATE succeeded: no reader was left on the old WAL
}

TEST_CASE("the cache keeps at most max_idle_statements, the newest ones", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite-cache");
  auto db = open_ok((dir / "q.db").string());
  const int before = compiled_statements(*db);
  const auto limit = static_cast<int>(sqlite::connection::max_idle_statements);
  for (int i = 0; i < limit + 10; ++i) CHECK(select_text(*db, ("SELECT " + std::to_string(i)).c_str()) == std::to_string(i));
  CHECK(compiled_statements(*db) <= before + limit);
  const int full = compiled_statements(*db);
  CHECK(full >= limit);
  // The newest is still kept: asking for it again compiles nothing.
  CHECK(select_text(*db, ("SELECT " + std::to_string(limit + 9)).c_str()) == std::to_string(limit + 9));
  CHECK(compiled_statements(*db) == full);
}

}  // namespace transaction_test
