// Opening a ledger and checking it. common/sqlite (database.hpp) runs the one opening sequence of every
// bodycam SQLite file and keeps invariant 8 for it: nothing is written to a file before every check has
// passed, and a refused file is closed without a checkpoint, so it stays byte for byte what it was. The
// ledger adds its own check to that sequence (the head record's hash, invariant 2) and its clock.
//
//   probe path ─► SQLite header? ─► open handle ─► identify (application_id, user_version, schema)
//     ─► quick_check ─► head record hash ─► WAL, synchronous=FULL ─► migrate ─► fsync directory if created
#include "common/ledger/ledger.hpp"
#include "common/ledger/migrations.hpp"
#include "common/ledger/record_table.hpp"
#include "common/sqlite/checks.hpp"
#include "common/sqlite/database.hpp"

#include <string>

namespace bodycam::common::ledger {
namespace {

core::status check_head_record(sqlite::connection& db) {
  auto last = select_last_record(db);
  if (!last) return std::unexpected(last.error());
  if (!*last) return {};
  return check_record_hash(db, "check head record of", **last);  // invariant 2
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
  const sqlite::open_options sqlite_options{
      .create_if_missing = options.create_if_missing,
      .read_only = options.read_only,
      .busy_timeout = options.busy_timeout,
      .vfs = options.vfs,
      .journal = sqlite::journal_mode::wal,
      .wal_autocheckpoint_pages = options.wal_autocheckpoint_pages,
  };
  auto db = sqlite::open_database(path, ledger_schema(), sqlite_options,
                                  [](sqlite::connection& conn, const sqlite::identity& id) -> core::status {
                                    if (id.user_version < 1) return {};
                                    return check_head_record(conn);
                                  });
  if (!db) return std::unexpected(db.error());
  return ledger(std::move(*db), std::move(options));
}

core::status ledger::integrity_check() const {
  if (auto ok = sqlite::run_check_pragma(*db_, "PRAGMA integrity_check", "integrity_check"); !ok) return ok;
  if (auto ok = sqlite::check_foreign_keys(*db_); !ok) return ok;
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
