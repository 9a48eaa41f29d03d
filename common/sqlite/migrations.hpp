// A schema as a numbered list of migrations, and the one routine that applies them. PRAGMA user_version
// holds the number of the last migration applied and PRAGMA application_id says whose file it is. The
// missing migrations run in order in one IMMEDIATE transaction that also stamps both pragmas, so a file is
// never half migrated (a crash or an I/O error leaves the previous version intact).
// A migration that has shipped is never edited — files in the field already ran it; append a new one.
#pragma once

#include "common/core/error.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace bodycam::common::sqlite {

class connection;

struct migration {
  int version;               // 1, 2, 3, … without gaps; becomes PRAGMA user_version
  std::string_view summary;  // one line, for error messages
  const char* sql;           // statements run inside the migration transaction
};

// What a file of one kind is: the noun in messages, its application_id and its migrations.
struct schema {
  std::string_view noun;  // "ledger", "dock queue", "catalogue"
  std::int32_t application_id;
  std::span<const migration> migrations;
};

// The version after the last migration of `list` (0 for none).
[[nodiscard]] int latest_version(std::span<const migration> list) noexcept;

// Brings the database from its user_version to the last of `s.migrations` inside one transaction that also
// stamps s.application_id. The caller has checked that the file is of this kind or empty. unsupported if
// the file is newer than the list; internal if the list is not numbered 1, 2, 3, … . Writes nothing when
// the file is up to date.
[[nodiscard]] core::status apply_migrations(connection& db, const schema& s);

}  // namespace bodycam::common::sqlite
