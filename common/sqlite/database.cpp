// The opening sequence of every bodycam SQLite file; see database.hpp.
#include "common/sqlite/database.hpp"

#include "common/core/durable_file.hpp"
#include "common/sqlite/checks.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <limits>
#include <string>

namespace bodycam::common::sqlite {
namespace {

struct path_probe {
  bool exists = false;
  std::uint64_t size = 0;
};

core::expected<path_probe> probe_path(const std::filesystem::path& path, std::string_view noun) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return path_probe{};
    return core::fail_errno("open", std::string(noun) + " " + path.string(), errno);
  }
  if (!S_ISREG(st.st_mode))
    return core::fail(core::errc::invalid_argument,
                      "open " + std::string(noun) + " " + path.string() + ": not a regular file");
  return path_probe{true, static_cast<std::uint64_t>(st.st_size)};
}

std::string hex32(std::int64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += digits[(static_cast<std::uint64_t>(value) >> shift) & 0xf];
  return out;
}

// The statement is finished before returning: a statement left mid-row would keep a read open and make
// the migration's COMMIT fail.
core::status set_journal_mode(connection& db, journal_mode journal) {
  const bool wal = journal == journal_mode::wal;
  const std::string_view operation = wal ? "set WAL mode of" : "set rollback journal mode of";
  auto mode = db.prepare(operation, wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE");
  if (!mode) return std::unexpected(mode.error());
  auto row = mode->step();
  if (!row) return std::unexpected(row.error());
  const std::string result = *row ? mode->column_text(0) : std::string("unknown");
  if (result != (wal ? "wal" : "delete")) return db.fail(operation, core::errc::io, "journal mode stays " + result);
  return {};
}

core::status configure_writes(connection& db, const open_options& options) {
  if (auto ok = set_journal_mode(db, options.journal); !ok) return ok;
  std::string pragmas = "PRAGMA synchronous = FULL;";
  if (options.journal == journal_mode::wal)
    pragmas += " PRAGMA wal_autocheckpoint = " + std::to_string(options.wal_autocheckpoint_pages) + ";";
  return db.exec("configure", pragmas.c_str());
}

}  // namespace

core::expected<std::unique_ptr<connection>> open_connection(const std::filesystem::path& path, std::string_view noun,
                                                            const open_options& options) {
  int flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  // Without create, a path that vanished since the probe must not come back as a new empty database.
  if (options.create_if_missing && !options.read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (raw == nullptr)
    return core::fail(core::errc::internal, "open " + std::string(noun) + " " + path.string() + ": out of memory");
  auto db = std::make_unique<connection>(database_ptr(raw), path, std::string(noun));
  if (rc != SQLITE_OK) return db->fail("open", rc);
  // Until every check has passed, closing must not checkpoint.
  if (auto ok = db->set_checkpoint_on_close(false); !ok) return std::unexpected(ok.error());
  // No writable_schema tricks, no functions with side effects in the schema.
  if (int r = sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr); r != SQLITE_OK)
    return db->fail("configure", r);
  if (int r = sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr); r != SQLITE_OK)
    return db->fail("configure", r);
  const auto timeout_ms = options.busy_timeout.count();
  if (timeout_ms < 0 || timeout_ms > std::numeric_limits<int>::max())
    return db->fail("configure", core::errc::invalid_argument, "busy timeout out of range");
  if (int r = sqlite3_busy_timeout(raw, static_cast<int>(timeout_ms)); r != SQLITE_OK) return db->fail("configure", r);
  if (auto ok = db->exec("configure", "PRAGMA foreign_keys = ON; PRAGMA cell_size_check = ON;"); !ok)
    return std::unexpected(ok.error());
  return db;
}

core::expected<identity> identify(connection& db) {
  auto app = db.read_integer("identify", "PRAGMA application_id");
  if (!app) return std::unexpected(app.error());
  auto version = db.read_integer("identify", "PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  auto objects = db.read_integer("identify", "SELECT count(*) FROM sqlite_schema");
  if (!objects) return std::unexpected(objects.error());
  return identity{*app, *version, *objects};
}

core::status check_identity(const connection& db, const identity& id, const schema& s, const open_options& options) {
  const std::string noun(s.noun);
  const int latest = latest_version(s.migrations);
  if (id.is_empty() && !options.create_if_missing)
    return db.fail("open", core::errc::malformed,
                   "an empty SQLite database, not an initialised " + noun + " (open it with create_if_missing to "
                   "initialise)");
  if (!id.is_empty() && id.application_id != s.application_id)
    return db.fail("open", core::errc::malformed,
                   "an SQLite database of another application (application_id " + hex32(id.application_id) + ", " +
                       std::to_string(id.schema_objects) + " schema objects), not a bodycam " + noun +
                       " (application_id " + hex32(s.application_id) + ")");
  if (id.user_version > latest)
    return db.fail("open", core::errc::unsupported,
                   "schema version " + std::to_string(id.user_version) + " is newer than this build knows (" +
                       std::to_string(latest) + ")");
  if (options.read_only && id.user_version < latest)
    return db.fail("open", core::errc::unsupported,
                   "schema version " + std::to_string(id.user_version) + " needs migrating to " +
                       std::to_string(latest) + ", which a read-only open does not do");
  return {};
}

core::expected<std::unique_ptr<connection>> open_database(const std::filesystem::path& path, const schema& s,
                                                          const open_options& options, const verify_step& verify) {
  const std::string object = std::string(s.noun) + " " + path.string();
  if (options.read_only && options.create_if_missing)
    return core::fail(core::errc::invalid_argument, "open " + object + ": cannot create read-only");
  if (options.wal_autocheckpoint_pages < 1)
    return core::fail(core::errc::invalid_argument, "open " + object + ": wal_autocheckpoint_pages must be at least 1");
  auto probe = probe_path(path, s.noun);
  if (!probe) return std::unexpected(probe.error());
  if (!probe->exists && !options.create_if_missing) return core::fail_errno("open", object, ENOENT);
  if (probe->exists)
    if (auto ok = check_sqlite_header(path, probe->size, s.noun); !ok) return std::unexpected(ok.error());

  auto db = open_connection(path, s.noun, options);
  if (!db) return std::unexpected(db.error());
  connection& conn = **db;
  auto id = identify(conn);
  if (!id) return std::unexpected(id.error());
  if (auto ok = check_identity(conn, *id, s, options); !ok) return std::unexpected(ok.error());
  if (!id->is_empty()) {
    if (auto ok = run_check_pragma(conn, "PRAGMA quick_check", "quick_check"); !ok) return std::unexpected(ok.error());
    if (verify)
      if (auto ok = verify(conn, *id); !ok) return std::unexpected(ok.error());
  }

  if (options.read_only) {
    if (auto ok = conn.exec("configure", "PRAGMA query_only = ON;"); !ok) return std::unexpected(ok.error());
    return db;
  }
  if (auto ok = configure_writes(conn, options); !ok) return std::unexpected(ok.error());
  if (auto ok = apply_migrations(conn, s); !ok) return std::unexpected(ok.error());
  // SQLite fsyncs the directory for the WAL it creates, not for a new main database file.
  if (!probe->exists) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (auto ok = core::fsync_directory(dir); !ok) return core::wrap("create " + object, ok.error());
  }
  if (auto ok = conn.set_checkpoint_on_close(true); !ok) return std::unexpected(ok.error());
  return db;
}

}  // namespace bodycam::common::sqlite
