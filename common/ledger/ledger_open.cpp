// Opening a ledger and checking it: the only place that decides whether a file is a ledger, creates one,
// migrates one or refuses one. Invariant 8 is kept here: the order below never writes to a file before
// every check has passed, and the connection keeps SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE on until then, so a
// refused file is closed without a checkpoint and stays byte for byte what it was.
//
//   probe path ─► SQLite header? ─► open handle ─► identify (application_id, user_version, schema)
//     ─► quick_check ─► head record hash ─► WAL, synchronous=FULL ─► migrate ─► fsync directory if created
#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/ledger/connection.hpp"
#include "common/ledger/ledger.hpp"
#include "common/ledger/migrations.hpp"
#include "common/ledger/record_table.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <limits>
#include <string>

namespace bodycam::common::ledger {
namespace {

constexpr std::size_t sqlite_header_size = 16;
constexpr std::string_view sqlite_header{"SQLite format 3\0", sqlite_header_size};
constexpr std::size_t max_reported_problems = 5;

struct path_probe {
  bool exists = false;
  std::uint64_t size = 0;
};

core::expected<path_probe> probe_path(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return path_probe{};
    return core::fail_errno("open ledger", path.string(), errno);
  }
  if (!S_ISREG(st.st_mode))
    return core::fail(core::errc::invalid_argument, "open ledger " + path.string() + ": not a regular file");
  return path_probe{true, static_cast<std::uint64_t>(st.st_size)};
}

// Refuses a file that is not SQLite before SQLite ever opens it (SQLite would only say "file is not a
// database" later, and a rollback-mode open could write).
core::status check_sqlite_header(const std::filesystem::path& path, std::uint64_t size) {
  if (size == 0) return {};
  const std::string refusal = "open ledger " + path.string() +
                              ": not an SQLite database (no 'SQLite format 3' header), so not a bodycam ledger";
  if (size < sqlite_header_size) return core::fail(core::errc::malformed, refusal);
  core::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open ledger", path.string(), errno);
  std::array<char, sqlite_header_size> header{};
  ssize_t got = -1;
  do {
    got = ::pread(fd.get(), header.data(), header.size(), 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return core::fail_errno("read header of ledger", path.string(), errno);
  if (static_cast<std::size_t>(got) != header.size() || std::string_view(header.data(), header.size()) != sqlite_header)
    return core::fail(core::errc::malformed, refusal);
  return {};
}

core::expected<std::unique_ptr<connection>> open_handle(const std::filesystem::path& path,
                                                        const open_options& options) {
  int flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  // Without create, a path that vanished since the probe must not come back as a new empty database.
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, options.vfs.empty() ? nullptr : options.vfs.c_str());
  auto db = std::make_unique<connection>(sqlite_database_ptr(raw), path);
  if (rc != SQLITE_OK) return db->fail("open", rc);
  sqlite3* h = db->handle();
  // Until every check has passed, closing must not checkpoint (invariant 8).
  if (int r = sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr); r != SQLITE_OK)
    return db->fail("configure", r);
  // No writable_schema tricks, no functions with side effects in the schema.
  if (int r = sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr); r != SQLITE_OK)
    return db->fail("configure", r);
  if (int r = sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr); r != SQLITE_OK)
    return db->fail("configure", r);
  const auto timeout_ms = options.busy_timeout.count();
  if (timeout_ms < 0 || timeout_ms > std::numeric_limits<int>::max())
    return db->fail("configure", core::errc::invalid_argument, "busy timeout out of range");
  if (int r = sqlite3_busy_timeout(h, static_cast<int>(timeout_ms)); r != SQLITE_OK) return db->fail("configure", r);
  if (auto ok = db->exec("configure", "PRAGMA foreign_keys = ON; PRAGMA cell_size_check = ON;"); !ok)
    return std::unexpected(ok.error());
  return db;
}

core::expected<std::int64_t> read_integer_pragma(connection& db, std::string_view sql, std::string_view operation) {
  auto stmt = db.prepare(operation, sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return db.fail(operation, core::errc::internal, "no value");
  return stmt->column_int(0);
}

struct identity {
  std::int64_t application_id = 0;
  std::int64_t user_version = 0;
  std::int64_t schema_objects = 0;
};

core::expected<identity> identify(connection& db) {
  identity id;
  auto app = read_integer_pragma(db, "PRAGMA application_id", "identify");
  if (!app) return std::unexpected(app.error());
  auto version = read_integer_pragma(db, "PRAGMA user_version", "identify");
  if (!version) return std::unexpected(version.error());
  auto objects = read_integer_pragma(db, "SELECT count(*) FROM sqlite_schema", "identify");
  if (!objects) return std::unexpected(objects.error());
  return identity{*app, *version, *objects};
}

std::string hex32(std::int64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += digits[(static_cast<std::uint64_t>(value) >> shift) & 0xf];
  return out;
}

// Runs quick_check or integrity_check; anything but a single "ok" row is corruption.
core::status run_check_pragma(connection& db, const char* sql, std::string_view operation) {
  auto stmt = db.prepare(operation, sql);
  if (!stmt) return std::unexpected(stmt.error());
  std::string problems;
  std::size_t count = 0;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::string line = stmt->column_text(0);
    if (count == 0 && line == "ok") return {};
    if (count < max_reported_problems) {
      for (char& c : line)
        if (c == '\n') c = ' ';
      problems += problems.empty() ? "" : "; ";
      problems += line;
    }
    ++count;
  }
  if (count > max_reported_problems) problems += "; … " + std::to_string(count - max_reported_problems) + " more";
  return db.fail(operation, core::errc::corrupt, problems.empty() ? "no result" : problems);
}

core::status check_head_record(connection& db) {
  auto last = select_last_record(db);
  if (!last) return std::unexpected(last.error());
  if (!*last) return {};
  return check_record_hash(db, "check head record of", **last);  // invariant 2
}

core::status check_foreign_keys(connection& db) {
  const std::string_view operation = "foreign_key_check";
  auto stmt = db.prepare(operation, "PRAGMA foreign_key_check");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return {};
  return db.fail(operation, core::errc::corrupt,
                 "a row of " + stmt->column_text(0) + " (rowid " + std::to_string(stmt->column_int(1)) +
                     ") refers to a missing row of " + stmt->column_text(2));
}

// The statement is finished before returning: a statement left mid-row would keep a read open and make
// the migration's COMMIT fail.
core::status set_wal_mode(connection& db) {
  const std::string_view operation = "set WAL mode of";
  auto mode = db.prepare(operation, "PRAGMA journal_mode = WAL");
  if (!mode) return std::unexpected(mode.error());
  auto row = mode->step();
  if (!row) return std::unexpected(row.error());
  const std::string result = *row ? mode->column_text(0) : std::string("unknown");
  if (result != "wal") return db.fail(operation, core::errc::io, "journal mode stays " + result);
  return {};
}

}  // namespace

core::expected<ledger> open(const std::filesystem::path& path, open_options options) {
  if (options.read_only && options.create_if_missing)
    return core::fail(core::errc::invalid_argument,
                      "open ledger " + path.string() + ": cannot create a ledger read-only");
  if (!options.clock)
    return core::fail(core::errc::invalid_argument, "open ledger " + path.string() + ": no clock given");
  if (options.wal_autocheckpoint_pages < 1)
    return core::fail(core::errc::invalid_argument,
                      "open ledger " + path.string() + ": wal_autocheckpoint_pages must be at least 1");
  auto probe = probe_path(path);
  if (!probe) return std::unexpected(probe.error());
  if (!probe->exists && !options.create_if_missing) return core::fail_errno("open ledger", path.string(), ENOENT);
  if (probe->exists)
    if (auto ok = check_sqlite_header(path, probe->size); !ok) return std::unexpected(ok.error());

  auto db = open_handle(path, options);
  if (!db) return std::unexpected(db.error());
  connection& conn = **db;

  auto id = identify(conn);
  if (!id) return std::unexpected(id.error());
  const bool is_empty = id->application_id == 0 && id->user_version == 0 && id->schema_objects == 0;
  if (is_empty && !options.create_if_missing)
    return conn.fail(
        "open", core::errc::malformed,
        "an empty SQLite database, not an initialised ledger (open it with create_if_missing to initialise)");
  if (!is_empty && id->application_id != ledger_application_id)
    return conn.fail("open", core::errc::malformed,
                     "an SQLite database of another application (application_id " + hex32(id->application_id) + ", " +
                         std::to_string(id->schema_objects) + " schema objects), not a bodycam ledger");
  if (id->user_version > latest_schema_version())
    return conn.fail("open", core::errc::unsupported,
                     "schema version " + std::to_string(id->user_version) + " is newer than this build knows (" +
                         std::to_string(latest_schema_version()) + ")");
  if (options.read_only && id->user_version < latest_schema_version())
    return conn.fail("open", core::errc::unsupported,
                     "schema version " + std::to_string(id->user_version) + " needs migrating to " +
                         std::to_string(latest_schema_version()) + ", which a read-only open does not do");

  if (!is_empty) {
    if (auto ok = run_check_pragma(conn, "PRAGMA quick_check", "quick_check"); !ok) return std::unexpected(ok.error());
    if (id->user_version >= 1)
      if (auto ok = check_head_record(conn); !ok) return std::unexpected(ok.error());
  }

  if (options.read_only) {
    if (auto ok = conn.exec("configure", "PRAGMA query_only = ON;"); !ok) return std::unexpected(ok.error());
  } else {
    if (auto ok = set_wal_mode(conn); !ok) return std::unexpected(ok.error());
    const std::string pragmas =
        "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = " + std::to_string(options.wal_autocheckpoint_pages) +
        ";";
    if (auto ok = conn.exec("configure", pragmas.c_str()); !ok) return std::unexpected(ok.error());
    if (auto ok = apply_migrations(conn, ledger_migrations()); !ok) return std::unexpected(ok.error());
    // SQLite fsyncs the directory for the WAL it creates, not for a new main database file.
    if (!probe->exists) {
      const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
      if (auto ok = core::fsync_directory(dir); !ok) return core::wrap("create ledger " + path.string(), ok.error());
    }
    if (int r = sqlite3_db_config(conn.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr); r != SQLITE_OK)
      return conn.fail("configure", r);
  }
  return ledger(std::move(*db), std::move(options));
}

core::status ledger::integrity_check() const {
  if (auto ok = run_check_pragma(*db_, "PRAGMA integrity_check", "integrity_check"); !ok) return ok;
  if (auto ok = check_foreign_keys(*db_); !ok) return ok;
  std::uint64_t expected_seq = 0;
  auto walked = scan_records(*db_, 0, [&](const stored_record& r) -> core::status {
    if (r.seq != expected_seq)  // invariant 1
      return db_->fail(
          "integrity_check", core::errc::corrupt,
          "record " + std::to_string(expected_seq) + " is missing (next stored seq is " + std::to_string(r.seq) + ")");
    ++expected_seq;
    return check_record_hash(*db_, "integrity_check", r);  // invariant 2
  });
  return walked;
}

}  // namespace bodycam::common::ledger
