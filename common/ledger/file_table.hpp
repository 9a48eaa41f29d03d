// Internal: the SQL of the files and fragments tables. Writes check the rules themselves first so the
// caller gets a precise errc and message (conflict for a forbidden state move, already_exists for a
// duplicate file, invalid_argument for a bad name); the schema's triggers refuse the same writes anyway.
// Writes expect an open transaction (transaction.hpp) and never commit.
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/file_entry.hpp"

#include <string_view>
#include <vector>

namespace bodycam::common::sqlite {
class connection;
}  // namespace bodycam::common::sqlite

namespace bodycam::common::ledger {

[[nodiscard]] core::status insert_file(sqlite::connection& db, const new_file& file, ledger_time now);
[[nodiscard]] core::status insert_fragment(sqlite::connection& db, const fragment_entry& fragment);
[[nodiscard]] core::status update_file_state(sqlite::connection& db, std::string_view name, const file_transition& transition,
                                             ledger_time now);

[[nodiscard]] core::expected<file_entry> select_file(sqlite::connection& db, std::string_view name);
[[nodiscard]] core::expected<std::vector<fragment_entry>> select_fragments(sqlite::connection& db, std::string_view file_name);
// Oldest first (created_at, then name).
[[nodiscard]] core::expected<std::vector<file_entry>> select_files_in_state(sqlite::connection& db, file_state state);

}  // namespace bodycam::common::ledger
