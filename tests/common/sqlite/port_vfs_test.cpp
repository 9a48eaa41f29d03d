// Two connections on one database file in one process through the port VFS: one port descriptor per file,
// so closing one connection never drops the other's POSIX locks. Whether a lock is really held is asked the
// way it matters, by a connection in another process (a forked child on SQLite's default VFS, busy timeout
// 0): it gets SQLITE_BUSY while the lock is held and gets through once it is released, so the check can fail
// both ways. Run in both journal modes the ledger uses: WAL (the db file's SHARED lock that says "a
// connection is open", which the last closer relies on before it deletes the WAL) and the rollback journal
// (the RESERVED lock of a write transaction).
#include "common/core/posix_file_system.hpp"
#include "common/sqlite/port_vfs.hpp"

#include "tests/support/temp_dir.hpp"

#include <sqlite3.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <string>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace port_vfs_test {

namespace core = bodycam::common::core;
namespace sqlite = bodycam::common::sqlite;

namespace {

sqlite3* open_through(const std::string& path, const char* vfs) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  if (rc != SQLITE_OK) FAIL("open " << path << ": " << sqlite3_errstr(rc));
  return db;
}

int exec(sqlite3* db, const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }

std::int64_t count(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const auto n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return n;
}

// What a connection in another process meets: whether this process holds a POSIX lock on SQLite's lock
// bytes of the file (F_GETLK, which reports other processes' locks only), and what its own `sql` got.
struct other_process {
  bool sees_lock = false;
  int result = -1;  // SQLITE_BUSY, SQLITE_OK, or -1 if the child failed
};

other_process try_in_child(const std::string& path, const std::string& sql) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = 0x40000000;  // SQLite's PENDING byte, RESERVED byte and SHARED range
    probe.l_len = 512;
    if (fd < 0 || ::fcntl(fd, F_GETLK, &probe) != 0) ::_exit(9);
    if (probe.l_type != F_UNLCK && probe.l_pid == ::getppid()) code |= 1;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) ::_exit(9);
    sqlite3_busy_timeout(db, 0);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc == SQLITE_BUSY) code |= 2;
    else if (rc != SQLITE_OK) ::_exit(9);
    ::_exit(code);  // the child's connection is never closed cleanly: it must not touch the file further
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  REQUIRE(code != 9);
  return other_process{(code & 1) != 0, (code & 2) != 0 ? SQLITE_BUSY : SQLITE_OK};
}

}  // namespace

TEST_CASE("port_vfs: two connections on one file in one process; closing one keeps the other's lock",
          "[integration]") {
  const bool wal = GENERATE(true, false);
  INFO((wal ? "WAL" : "rollback journal"));
  bodycam::tests::temp_dir dir;
  const std::string path = (dir / "two.db").string();
  core::posix_file_system files;
  auto vfs = sqlite::port_vfs::create(wal ? "bodycam-port-two-wal" : "bodycam-port-two-journal", files).value();

  sqlite3* a = open_through(path, vfs->name().c_str());
  sqlite3* b = open_through(path, vfs->name().c_str());
  REQUIRE(exec(a, std::string("PRAGMA journal_mode=") + (wal ? "WAL" : "DELETE")) == SQLITE_OK);
  REQUIRE(exec(a, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)") == SQLITE_OK);
  CHECK(count(b) == 1);  // written by one, read by the other
  REQUIRE(exec(b, "INSERT INTO t VALUES (2)") == SQLITE_OK);
  CHECK(count(a) == 2);

  // The lock another process must respect while b is in use: in WAL the SHARED lock every open connection
  // holds on the db file (an exclusive-mode writer elsewhere must wait); in rollback mode b's RESERVED lock.
  const std::string contender =
      wal ? "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT" : "BEGIN IMMEDIATE; COMMIT";
  if (wal) {
    REQUIRE(exec(b, "BEGIN; SELECT count(*) FROM t") == SQLITE_OK);  // a read transaction: SHARED held
  } else {
    REQUIRE(exec(b, "BEGIN IMMEDIATE; INSERT INTO t VALUES (3)") == SQLITE_OK);
  }
  auto seen = try_in_child(path, contender);
  CHECK(seen.sees_lock);
  CHECK(seen.result == SQLITE_BUSY);

  REQUIRE(sqlite3_close(a) == SQLITE_OK);  // a's handle closes; b's lock must survive it
  seen = try_in_child(path, contender);
  CHECK(seen.sees_lock);
  CHECK(seen.result == SQLITE_BUSY);

  // b ends its transaction and closes: the lock is gone, so the check above could have failed.
  REQUIRE(exec(b, "COMMIT") == SQLITE_OK);
  CHECK(count(b) == (wal ? 2 : 3));
  REQUIRE(sqlite3_close(b) == SQLITE_OK);
  seen = try_in_child(path, contender);
  CHECK_FALSE(seen.sees_lock);
  CHECK(seen.result == SQLITE_OK);
}

}  // namespace port_vfs_test
