// Integration tests of the opening sequence on real files: the pragmas a writable file gets, numbered
// migrations applied once and in one transaction, identification by application_id and user_version, and
// refusals (another application, not SQLite, corrupt) that name the file and leave it byte for byte as it was.
#include "tests/support/text_match.hpp"
#include "common/sqlite/database.hpp"

#include "tests/support/temp_dir.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace database_test {

namespace core = bodycam::common::core;
namespace sqlite = bodycam::common::sqlite;

namespace {

constexpr std::int32_t test_id = 0x54455354;   // "TEST"
constexpr std::int32_t other_id = 0x4F544852;  // "OTHR"

constexpr std::array two_migrations{
    sqlite::migration{1, "notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;"},
    sqlite::migration{2, "a row per run", "CREATE TABLE runs (n INTEGER) STRICT; INSERT INTO runs VALUES (1);"},
};
constexpr sqlite::schema test_schema{"test file", test_id, two_migrations};

using bodycam::tests::contains;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

sqlite::open_options create_options() {
  sqlite::open_options o;
  o.create_if_missing = true;
  return o;
}

std::unique_ptr<sqlite::connection> open_ok(const std::string& path, const sqlite::schema& s = test_schema,
                                            const sqlite::open_options& o = create_options()) {
  auto db = sqlite::open_database(path, s, o);
  if (!db) FAIL("open " << path << ": " << db.error().context);
  return std::move(*db);
}

std::int64_t read(sqlite::connection& db, const char* sql) {
  auto v = db.read_integer("test read", sql);
  if (!v) FAIL(v.error().context);
  return *v;
}

std::string read_text(sqlite::connection& db, const char* sql) {
  auto stmt = db.prepare("test read", sql);
  REQUIRE(stmt.has_value());
  auto row = stmt->step();
  REQUIRE(row.has_value());
  REQUIRE(*row);
  return stmt->column_text(0);
}

}  // namespace

TEST_CASE("a writable file gets WAL, synchronous=FULL, foreign keys and its identity", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite");
  const std::string path = (dir / "a.db").string();
  auto db = open_ok(path);
  CHECK(read_text(*db, "PRAGMA journal_mode") == "wal");
  CHECK(read(*db, "PRAGMA synchronous") == 2);  // FULL
  CHECK(read(*db, "PRAGMA foreign_keys") == 1);
  CHECK(read(*db, "PRAGMA cell_size_check") == 1);
  CHECK(read(*db, "PRAGMA application_id") == test_id);
  CHECK(read(*db, "PRAGMA user_version") == 2);
  // Foreign keys are enforced, not only switched on.
  REQUIRE(db->exec("test", "CREATE TABLE parent (id INTEGER PRIMARY KEY); "
                           "CREATE TABLE child (p INTEGER REFERENCES parent (id));"));
  auto orphan = db->exec("insert orphan into", "INSERT INTO child VALUES (42)");
  REQUIRE_FALSE(orphan.has_value());
  CHECK(orphan.error().code == core::errc::conflict);
  CHECK(orphan.error().context.starts_with("insert orphan into test file " + path + ": FOREIGN KEY"));

  SECTION("a rollback-journal file has no WAL and still synchronous=FULL") {
    auto o = create_options();
    o.journal = sqlite::journal_mode::rollback;
    auto r = open_ok(dir / "b.db", test_schema, o);
    CHECK(read_text(*r, "PRAGMA journal_mode") == "delete");
    CHECK(read(*r, "PRAGMA synchronous") == 2);
  }
  SECTION("a read-only open writes nothing and refuses writes") {
    db.reset();
    const auto before = file_bytes(path);
    sqlite::open_options o;
    o.read_only = true;
    auto r = open_ok(path, test_schema, o);
    CHECK(read(*r, "PRAGMA query_only") == 1);
    auto write = r->exec("write to", "INSERT INTO notes (body) VALUES ('x')");
    REQUIRE_FALSE(write.has_value());
    r.reset();
    CHECK(file_bytes(path) == before);
  }
}

TEST_CASE("migrations are applied once, in order, and a later one on reopen", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite");
  const std::string path = (dir / "m.db").string();
  { auto db = open_ok(path); }
  {
    auto db = open_ok(path);
    CHECK(read(*db, "SELECT count(*) FROM runs") == 1);  // migration 2 ran once, not on the reopen
    CHECK(read(*db, "PRAGMA user_version") == 2);
  }
  std::vector<sqlite::migration> three(two_migrations.begin(), two_migrations.end());
  three.push_back({3, "a second row", "INSERT INTO runs VALUES (3);"});
  const sqlite::schema later{"test file", test_id, three};
  {
    auto db = open_ok(path, later);
    CHECK(read(*db, "PRAGMA user_version") == 3);
    CHECK(read(*db, "SELECT count(*) FROM runs") == 2);  // migration 2's row and migration 3's, each once
    CHECK(read(*db, "SELECT count(*) FROM runs WHERE n = 3") == 1);
  }
  SECTION("the older build refuses the newer file") {
    auto refused = sqlite::open_database(path, test_schema, create_options());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == core::errc::unsupported);
    CHECK(contains(refused.error().context, path));
    CHECK(contains(refused.error().context, "schema version 3 is newer than this build knows (2)"));
  }
  SECTION("a failing migration leaves the previous version whole") {
    auto broken = three;
    broken.push_back({4, "half done", "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);"});
    auto refused = sqlite::open_database(path, {"test file", test_id, broken}, create_options());
    REQUIRE_FALSE(refused.has_value());
    CHECK(contains(refused.error().context, "apply migration 4 (half done) to test file " + path));
    auto db = open_ok(path, later);
    CHECK(read(*db, "PRAGMA user_version") == 3);
    CHECK(read(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'") == 0);
  }
  SECTION("a list not numbered 1, 2, 3 is refused before anything is written") {
    const std::array gap{sqlite::migration{1, "one", "CREATE TABLE one (x INTEGER);"},
                         sqlite::migration{3, "three", "CREATE TABLE three (x INTEGER);"}};
    auto refused = sqlite::open_database(dir / "gap.db", {"test file", test_id, gap}, create_options());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == core::errc::internal);
    CHECK(contains(refused.error().context, "not numbered 1, 2, 3"));
  }
}

TEST_CASE("a file of another application is refused, named, and left byte for byte", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite");
  const std::string path = (dir / "theirs.db").string();
  { auto db = open_ok(path, {"other file", other_id, two_migrations}); }
  const auto before = file_bytes(path);
  auto refused = sqlite::open_database(path, test_schema, create_options());
  REQUIRE_FALSE(refused.has_value());
  INFO(refused.error().context);
  CHECK(refused.error().code == core::errc::malformed);
  CHECK(refused.error().context ==
        "open test file " + path +
            ": an SQLite database of another application (application_id 0x4f544852, 2 schema objects), not a "
            "bodycam test file (application_id 0x54455354)");
  CHECK(file_bytes(path) == before);
}

TEST_CASE("an empty database is created only when asked to", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite");
  const std::string path = (dir / "empty.db").string();
  { std::ofstream touch(path); }
  auto refused = sqlite::open_database(path, test_schema, {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::malformed);
  CHECK(contains(refused.error().context, "an empty SQLite database, not an initialised test file"));
  CHECK(file_bytes(path).empty());
  auto missing = sqlite::open_database(dir / "missing.db", test_schema, {});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == core::errc::not_found);
  CHECK(contains(missing.error().context, (dir / "missing.db").string()));
}

TEST_CASE("a file that is not SQLite is refused before SQLite opens it, and left as it was", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite");
  const std::string path = (dir / "note.db").string();
  const std::string note = "this is not a database, it is a note left by someone\n";
  { std::ofstream(path) << note; }
  auto refused = sqlite::open_database(path, test_schema, create_options());
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::malformed);
  CHECK(contains(refused.error().context, "open test file " + path + ": not an SQLite database"));
  CHECK(file_bytes(path) == note);
}

// A B-tree page overwritten with zeros (a torn write, a bad sector): the header still says SQLite, so only
// quick_check finds it. The file must be refused as corrupt and stay exactly as it was — never repaired.
TEST_CASE("a corrupt file is refused as corrupt and left byte for byte", "[integration]") {
  bodycam::tests::temp_dir dir("bodycam-sqlite");
  const std::string path = (dir / "torn.db").string();
  std::int64_t page_size = 0;
  {
    auto db = open_ok(path);
    page_size = read(*db, "PRAGMA page_size");
    REQUIRE(db->exec("fill", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                             "INSERT INTO notes (body) SELECT printf('%0100d', i) FROM n"));
  }  // closing checkpoints the WAL into the main file
  const auto good = file_bytes(path);
  REQUIRE(page_size >= 512);
  REQUIRE(good.size() >= static_cast<std::size_t>(8 * page_size));
  std::string torn = good;
  // Page 4 is one of the notes table's leaf pages (pages 1-3: schema, notes root, runs or an interior page).
  std::fill(torn.begin() + 3 * page_size, torn.begin() + 4 * page_size, '\0');
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << torn; }
  REQUIRE(file_bytes(path) == torn);

  auto refused = sqlite::open_database(path, test_schema, create_options());
  REQUIRE_FALSE(refused.has_value());
  INFO(refused.error().context);
  CHECK(refused.error().code == core::errc::corrupt);
  CHECK(contains(refused.error().context, path));
  CHECK(file_bytes(path) == torn);
}

}  // namespace database_test
