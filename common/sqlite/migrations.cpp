// Applying numbered migrations; see migrations.hpp.
#include "common/sqlite/migrations.hpp"

#include "common/sqlite/connection.hpp"
#include "common/sqlite/transaction.hpp"

#include <string>

namespace bodycam::common::sqlite {

int latest_version(std::span<const migration> list) noexcept { return list.empty() ? 0 : list.back().version; }

core::status apply_migrations(connection& db, const schema& s) {
  const auto list = s.migrations;
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].version != static_cast<int>(i) + 1)
      return db.fail("migrate", core::errc::internal,
                     "migration list is not numbered 1, 2, 3, … (entry " + std::to_string(i) + " is " +
                         std::to_string(list[i].version) + ")");
  const int latest = latest_version(list);

  // Rolled back on every early return; a migration is all or nothing.
  auto tx = transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto current = db.read_integer("read PRAGMA user_version of", "PRAGMA user_version");
  if (!current) return std::unexpected(current.error());
  if (*current > latest)
    return db.fail("migrate", core::errc::unsupported,
                   "schema version " + std::to_string(*current) + " is newer than this build knows (" +
                       std::to_string(latest) + ")");
  // Up to date: write nothing (the empty transaction rolls back, so opening costs no fsync).
  if (*current == latest) return {};
  for (const migration& m : list) {
    if (m.version <= *current) continue;
    const std::string operation =
        "apply migration " + std::to_string(m.version) + " (" + std::string(m.summary) + ") to";
    if (auto ok = db.exec(operation, m.sql); !ok) return ok;
  }
  // PRAGMAs take no bound parameters; both values are integers this code produced.
  const std::string stamp = "PRAGMA application_id = " + std::to_string(s.application_id) +
                            "; PRAGMA user_version = " + std::to_string(latest) + ";";
  if (auto ok = db.exec("stamp schema version of", stamp.c_str()); !ok) return ok;
  return tx->commit("migration " + std::to_string(latest));
}

}  // namespace bodycam::common::sqlite
