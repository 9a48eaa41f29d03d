// Moving session rows in and out of the catalogue's tables (internal to tools/catalogue): one insert that
// keeps the sessions, interruptions and notes_fts tables in step (catalogue_db.hpp K4), the note update, and
// the one SELECT that turns rows back into session_row values.
#pragma once

#include "common/sqlite/connection.hpp"
#include "tools/catalogue/search_query.hpp"
#include "tools/catalogue/session_row.hpp"

#include <vector>

namespace bodycam::tools::catalogue {

void bind_all(common::sqlite::statement& stmt, const std::vector<sql_value>& values, int first_index);
// Inserts the row (a session not yet in the table), its interruptions and, if noted, its notes_fts row.
[[nodiscard]] common::core::status write_session(common::sqlite::connection& db, const session_row& row);
// Deletes every row of `device` with its interruptions and notes_fts rows.
[[nodiscard]] common::core::status delete_device(common::sqlite::connection& db, const std::string& device);
// Sets the note columns of the session (device, session) from `row` and rewrites its notes_fts row; false
// when the catalogue has no such session.
[[nodiscard]] common::core::expected<bool> write_notes(common::sqlite::connection& db, const session_row& row);
// SELECT ... FROM sessions s <tail>, binding `binds` then `extra`; interruptions filled in.
[[nodiscard]] common::core::expected<std::vector<session_row>> select_rows(const common::sqlite::connection& db,
                                                                           const std::string& tail,
                                                                           const std::vector<sql_value>& binds,
                                                                           const std::vector<std::int64_t>& extra);

}  // namespace bodycam::tools::catalogue
