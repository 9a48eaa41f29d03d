// The ledger's schema as a numbered list of migrations, applied by common/sqlite (migrations.hpp there):
// PRAGMA user_version holds the number of the last migration applied; opening a ledger applies the missing
// ones, in order, in one IMMEDIATE transaction together with setting user_version and application_id, so a
// ledger is never half migrated (a crash or an I/O error leaves the previous version intact).
// To change the schema, append a migration {N+1, summary, sql} to `ledger_migrations` in migrations.cpp;
// never edit a migration that has shipped — ledgers in the field already ran it.
#pragma once

#include "common/core/error.hpp"
#include "common/sqlite/migrations.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace bodycam::common::sqlite {
class connection;
}  // namespace bodycam::common::sqlite

namespace bodycam::common::ledger {

// PRAGMA application_id of every bodycam ledger: "BCLG" in ASCII.
inline constexpr std::int32_t ledger_application_id = 0x42434C47;

using migration = sqlite::migration;

// Every migration this build knows, in order.
[[nodiscard]] std::span<const migration> ledger_migrations() noexcept;
[[nodiscard]] int latest_schema_version() noexcept;
// The ledger as common/sqlite opens it: noun "ledger", ledger_application_id, ledger_migrations().
[[nodiscard]] sqlite::schema ledger_schema() noexcept;

// sqlite::apply_migrations with the ledger's application_id: brings the database from its user_version to
// the last of `migrations` in one transaction. The caller has checked that the file is a ledger or empty.
// unsupported if the file is newer than `migrations`; internal if they are not numbered 1, 2, 3, … .
[[nodiscard]] core::status apply_migrations(sqlite::connection& db, std::span<const migration> migrations);

}  // namespace bodycam::common::ledger
